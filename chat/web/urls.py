from django.contrib.auth import views as auth_views
from django.urls import path

from chat.web import health, views

urlpatterns = [
    path("", views.room_list, name="room-list"),
    path("rooms/new/", views.room_create, name="room-create"),
    path("chat/<slug:slug>/", views.room_detail, name="room-detail"),
    path("join/", views.guest_join, name="guest-join"),
    path("join/challenge/", views.guest_challenge, name="guest-challenge"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/upgrade/", views.guest_upgrade, name="guest-upgrade"),
    path("healthz", health.healthz, name="healthz"),
]
