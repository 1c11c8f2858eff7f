from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("aduan/<str:code>/terima/", views.accept, name="accept"),
    path("tinjau/", views.review_list, name="review"),
    path("tinjau/<int:event_id>/", views.review_decide, name="review_decide"),
    path("massal/", views.mass_list, name="mass_events"),
    path("massal/<int:pk>/", views.mass_detail, name="mass_event"),
    path("massal/<int:pk>/gabung/", views.gather, name="gather"),
    path("massal/<int:pk>/disposisi/", views.dispatch_event, name="dispatch_event"),
    path("antrean/gabung/", views.bulk_merge, name="bulk_merge"),
]
