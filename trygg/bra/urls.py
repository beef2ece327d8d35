from django.urls import path

from . import views

urlpatterns = [
    path("statistics/bra/", views.bra_statistics, name="bra_statistics"),
]
