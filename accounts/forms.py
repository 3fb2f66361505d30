from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """The sign-in form. A login that is an email address (a customer contact's, customer_portal) is stored
    lower-cased, so the address is accepted however it is typed."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        return username.lower() if "@" in username else username
