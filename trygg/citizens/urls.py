from django.urls import path

from . import views

urlpatterns = [
    path("promises/", views.promise_list, name="promise_list"),
    path("promises/new/", views.promise_new, name="promise_new"),
    path("promises/<int:pk>/", views.promise_detail, name="promise_detail"),
    path("promises/<int:pk>/edit/", views.promise_edit, name="promise_edit"),
    path("promises/<int:pk>/publish/", views.promise_publish, name="promise_publish"),
    path("promises/<int:pk>/commitment/", views.promise_commitment, name="promise_commitment"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/progress/", views.commitment_progress, name="commitment_progress"),
    path("progress/<int:pk>/publish/", views.progress_publish, name="progress_publish"),
    path("public-page/", views.publication_list, name="publication_list"),
    path(
        "public-page/direction/<int:pk>/",
        views.publication_direction,
        name="publication_direction",
    ),
    path("public-page/followup/<int:pk>/", views.publication_followup, name="publication_followup"),
    path("public-page/picture/<int:pk>/", views.publication_picture, name="publication_picture"),
]
