from django.urls import path

from . import views_report, views_review

urlpatterns = [
    # Reporting (phone first)
    path("report/new/", views_report.report_new, name="report_new"),
    path("report/mine/", views_report.report_mine, name="report_mine"),
    # Coordinator review
    path("events/", views_review.event_list, name="event_list"),
    path("events/map/", views_review.event_map, name="event_map"),
    path("events/geojson/", views_review.event_geojson, name="event_geojson"),
    path("events/<int:pk>/", views_review.event_detail, name="event_detail"),
    path("events/<int:pk>/review/", views_review.event_review, name="event_review"),
    path("events/<int:pk>/merge/", views_review.event_merge, name="event_merge"),
    path("events/<int:pk>/link/", views_review.event_link, name="event_link"),
    path("photos/<int:pk>/", views_review.photo, name="photo"),
    # Administration of the taxonomy
    path("categories/", views_review.category_list, name="category_list"),
    path("categories/new/", views_review.category_new, name="category_new"),
    path("categories/<int:pk>/", views_review.category_edit, name="category_edit"),
]
