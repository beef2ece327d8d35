from django.urls import path

from . import views

# The public form and status page, under /kommun/<code>/.
public_urlpatterns = [
    path("tips/", views.tip_new, name="tip_new"),
    path("tips/areas/", views.tip_areas, name="tip_areas"),
    path("tips/<str:pk>/", views.tip_status, name="tip_status"),
]

# The staff's moderation queue, under /k/<code>/.
urlpatterns = [
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/categories/", views.tip_categories, name="tip_categories"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/moderate/", views.tip_moderate, name="tip_moderate"),
    path("tips/<int:pk>/close/", views.tip_close, name="tip_close"),
]
