from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/active/", views.member_active, name="member_active"),
]
