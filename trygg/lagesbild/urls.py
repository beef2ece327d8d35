from django.urls import path

from . import views

urlpatterns = [
    path("lagesbild/", views.lagesbild_list, name="lagesbild_list"),
    path("lagesbild/<int:pk>/", views.lagesbild_detail, name="lagesbild_detail"),
    path("lagesbild/<int:pk>/edit/", views.lagesbild_edit, name="lagesbild_edit"),
    path("lagesbild/<int:pk>/export/", views.lagesbild_export, name="lagesbild_export"),
    path("lagesbild/<int:pk>/adopt/", views.lagesbild_adopt, name="lagesbild_adopt"),
    path("lagesbild/versions/<int:pk>/", views.version_download, name="lagesbild_version"),
    path("lagesbild/problems/new/", views.problem_new, name="lagesbild_problem_new"),
    path("lagesbild/problems/<int:pk>/", views.problem_edit, name="lagesbild_problem_edit"),
    path("lagesbild/plan/", views.measure_list, name="lagesbild_plan"),
    path("lagesbild/plan/new/", views.measure_new, name="lagesbild_measure_new"),
    path("lagesbild/plan/<int:pk>/", views.measure_edit, name="lagesbild_measure_edit"),
    path("lagesbild/plan/<int:pk>/status/", views.measure_status, name="lagesbild_measure_status"),
]
