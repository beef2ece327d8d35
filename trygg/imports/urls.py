from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/upload/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("imports/<int:pk>/undo/", views.import_undo, name="import_undo"),
]
