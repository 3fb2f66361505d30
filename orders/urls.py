from django.urls import path

from .views import customers, detail, discussion, intake, intake_files, listing, steps

app_name = "orders"
urlpatterns = [
    path("", listing.order_list, name="list"),
    path("export/<str:fmt>/", listing.order_export, name="export"),
    path("filter-options/<str:field>/", listing.order_filter_options, name="filter_options"),
    path("new/phone/", intake.intake_phone, name="intake_phone"),
    path("new/email/", intake_files.intake_email, name="intake_email"),
    path("new/spreadsheet/", intake_files.intake_spreadsheet, name="intake_spreadsheet"),
    path("new/product-lookup/", intake.product_lookup, name="product_lookup"),
    path("handover/", steps.handover, name="handover"),
    path("<int:pk>/", detail.order_detail, name="detail"),
    path("<int:pk>/timeline/", detail.order_timeline_partial, name="timeline"),
    path("<int:pk>/sections/<slug:key>/", detail.order_section, name="section"),
    path("<int:pk>/tabs/<slug:key>/", detail.order_tab, name="tab"),
    path("<int:pk>/next-step/", detail.order_next_step, name="next_step"),
    path("<int:pk>/check/<int:item_id>/", steps.check_item, name="check_item"),
    path("<int:pk>/check-all/", steps.check_all, name="check_all"),
    path("<int:pk>/confirmation/", steps.record_confirmation, name="confirmation"),
    path("<int:pk>/transition/<str:name>/", steps.transition, name="transition"),
    path("<int:pk>/edit/", steps.edit, name="edit"),
    path("<int:pk>/hold/", steps.hold, name="hold"),
    path("<int:pk>/release/", steps.release, name="release"),
    path("<int:pk>/promises/<int:promise_id>/", steps.promise_decide, name="promise_decide"),
    path("dates-to-approve/", steps.promises_waiting, name="promises_waiting"),
    path("<int:pk>/comments/", discussion.comment_post, name="comment"),
    path("<int:pk>/attachments/", steps.add_attachment, name="add_attachment"),
    path("<int:pk>/attachments/<int:attachment_id>/", detail.attachment_download, name="attachment"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/new/", customers.customer_edit, name="customer_new"),
    path("customers/<int:pk>/", customers.customer_edit, name="customer_edit"),
    path("products/", customers.product_list, name="product_list"),
    path("products/new/", customers.product_edit, name="product_new"),
    path("products/<int:pk>/", customers.product_edit, name="product_edit"),
]
