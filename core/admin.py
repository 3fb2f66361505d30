from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For models that change only through their app's services (state machine, clocks, audit): the admin
    shows them and changes nothing."""

    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
