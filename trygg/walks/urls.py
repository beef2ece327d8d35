from django.urls import path

from . import views

urlpatterns = [
    path("vandringar/", views.walk_list, name="walk_list"),
    path("vandringar/ny/", views.walk_new, name="walk_new"),
    path("vandringar/<int:pk>/", views.walk_detail, name="walk_detail"),
    path("vandringar/<int:pk>/andra/", views.walk_edit, name="walk_edit"),
    path("vandringar/<int:pk>/atgarder/", views.walk_action, name="walk_action"),
    path("vandringar/<int:pk>/ga/", views.walk_mode, name="walk_mode"),
    path("vandringar/<int:pk>/fynd/", views.walk_finding, name="walk_finding"),
    path("vandringar/<int:pk>/protokoll.pdf", views.walk_protocol, name="walk_protocol"),
]
