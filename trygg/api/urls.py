from django.urls import path

from . import views

urlpatterns = [
    path("api-tokens/", views.token_list, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("open311-keys/", views.open311_keys, name="open311_keys"),
    path("open311-keys/<int:pk>/revoke/", views.open311_key_revoke, name="open311_key_revoke"),
]
