"""The customer-system intake channel: a token-authenticated JSON API (django-ninja) at /api/v1/."""
