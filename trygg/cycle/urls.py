from django.urls import path

from . import views_actions, views_meetings, views_steering

urlpatterns = [
    # Actions and the organisations' queues
    path("actions/", views_actions.action_list, name="action_list"),
    path("actions/queue/", views_actions.action_queue, name="action_queue"),
    path("actions/new/", views_actions.action_new, name="action_new"),
    path("actions/<int:pk>/", views_actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views_actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/update/", views_actions.action_update, name="action_update"),
    path("operational-direction/", views_actions.opdir_list, name="opdir_list"),
    path("operational-direction/new/", views_actions.opdir_new, name="opdir_new"),
    # Meetings
    path("meetings/", views_meetings.meeting_list, name="meeting_list"),
    path("meetings/series/new/", views_meetings.series_new, name="series_new"),
    path("meetings/series/<int:pk>/", views_meetings.series_detail, name="series_detail"),
    path("meetings/series/<int:pk>/new/", views_meetings.meeting_new, name="meeting_new"),
    path("meetings/series/<int:pk>/ics/", views_meetings.series_ics_view, name="series_ics"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views_meetings.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<int:pk>/attendance/",
        views_meetings.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "meetings/<int:pk>/assessment/",
        views_meetings.meeting_assessment,
        name="meeting_assessment",
    ),
    path("meetings/<int:pk>/priority/", views_meetings.meeting_priority, name="meeting_priority"),
    path("meetings/<int:pk>/decision/", views_meetings.meeting_decision, name="meeting_decision"),
    # The steering cycle
    path("quarterly/", views_steering.quarterly, name="quarterly"),
    path("quarterly/export/", views_steering.quarterly_export, name="quarterly_export"),
    path("directions/new/", views_steering.direction_new, name="direction_new"),
    path("directions/<int:pk>/", views_steering.direction_detail, name="direction_detail"),
    path("followups/", views_steering.followup_list, name="followup_list"),
    path("followups/<int:pk>/", views_steering.followup_detail, name="followup_detail"),
    path("followups/<int:pk>/export/", views_steering.followup_export, name="followup_export"),
    path(
        "followups/<int:pk>/evaluation/",
        views_steering.followup_evaluation,
        name="followup_evaluation",
    ),
    path("guards/", views_steering.guard_plan, name="guard_plan"),
    path("cycle/settings/", views_steering.cycle_settings, name="cycle_settings"),
]
