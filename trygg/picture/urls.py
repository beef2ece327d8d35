from django.urls import path

from . import views

urlpatterns = [
    path("picture/", views.picture_week, name="picture_week"),
    path("picture/publish/", views.picture_publish, name="picture_publish"),
    path("picture/export/", views.picture_export, name="picture_export"),
    path("picture/area/<int:pk>/assess/", views.picture_assess, name="picture_assess"),
]
