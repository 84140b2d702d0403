from django.contrib.auth import views as auth_views
from django.urls import path

from chat.web import (
    access_views,
    accounts,
    embed_views,
    health,
    moderation_views,
    search_views,
    upload_views,
    views,
)
from chat.web.forms import LoginForm

urlpatterns = [
    path("", views.room_list, name="room-list"),
    path("rooms/new/", views.room_create, name="room-create"),
    path("chat/<slug:slug>/", views.room_detail, name="room-detail"),
    path("join/", views.guest_join, name="guest-join"),
    path("join/challenge/", views.guest_challenge, name="guest-challenge"),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/upgrade/", views.guest_upgrade, name="guest-upgrade"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path(
        "accounts/password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", health.healthz, name="healthz"),
]

# The page's moderation endpoints (docs/protocol.md): JSON, session and CSRF.
_room = "chat/<slug:slug>/"
_m = moderation_views
urlpatterns += [
    path(f"{_room}messages/<int:message_id>/delete/", _m.message_delete, name="mod-delete"),
    path(f"{_room}messages/<int:message_id>/report/", _m.message_report, name="message-report"),
    path(
        f"{_room}messages/<int:message_id>/revisions/",
        _m.message_revisions,
        name="mod-revisions",
    ),
    path(f"{_room}messages/<int:message_id>/approve/", _m.held_approve, name="mod-approve"),
    path(f"{_room}messages/<int:message_id>/drop/", _m.held_drop, name="mod-drop"),
    path(f"{_room}people/<int:user_id>/", _m.person, name="person-card"),
    path(f"{_room}people/<int:user_id>/kick/", _m.person_kick, name="mod-kick"),
    path(f"{_room}people/<int:user_id>/mute/", _m.person_mute, name="mod-mute"),
    path(f"{_room}people/<int:user_id>/ban/", _m.person_ban, name="mod-ban"),
    path(f"{_room}people/<int:user_id>/moderator/", _m.person_moderator, name="mod-name"),
    path(
        f"{_room}people/<int:user_id>/remove-messages/",
        _m.person_remove_messages,
        name="mod-remove-messages",
    ),
    path(f"{_room}rules/", _m.room_rules, name="mod-rules"),
    path(f"{_room}moderation/", _m.panel, name="mod-panel"),
    path(f"{_room}reports/<int:report_id>/resolve/", _m.report_resolve, name="mod-resolve"),
    path(f"{_room}sanctions/<int:sanction_id>/lift/", _m.sanction_lift, name="mod-lift"),
]

# Search (docs/protocol.md, "Search over HTTP"): JSON, session; GET only.
urlpatterns += [
    path(f"{_room}search/", search_views.room_search, name="room-search"),
    path("search/", search_views.search, name="search"),
]

# Private rooms, direct conversations, blocking, the reader's rooms (docs/protocol.md,
# "Private rooms and direct messages"): JSON, session and CSRF.
_a = access_views
urlpatterns += [
    path("people/<int:user_id>/direct/", _a.direct_open, name="direct-open"),
    path("people/<int:user_id>/block/", _a.person_block, name="person-block"),
    path("me/rooms/", _a.my_rooms, name="my-rooms"),
    path("invite/<str:token>/", _a.invite, name="invite"),
    path(f"{_room}notifications/", _a.room_notifications, name="room-notifications"),
    path(f"{_room}privacy/", _a.room_privacy, name="room-privacy"),
    path(f"{_room}members/", _a.room_members, name="room-members"),
    path(f"{_room}members/<int:user_id>/remove/", _a.room_member_remove, name="room-member-remove"),
    path(f"{_room}invites/", _a.invite_create, name="invite-create"),
    path(f"{_room}invites/<int:invite_id>/revoke/", _a.invite_revoke, name="invite-revoke"),
]

# Pictures (docs/images.md): upload with the session and CSRF, fetch by their key.
urlpatterns += [
    path(f"{_room}uploads/", upload_views.upload, name="upload-create"),
    path(f"{_room}uploads/<str:key>/", upload_views.upload_delete, name="upload-delete"),
    path("uploads/<str:key>/", upload_views.picture, name="upload"),
    path("avatars/<int:user_id>/<str:file>", upload_views.avatar_picture, name="avatar-picture"),
    path(
        "uploads/<str:key>/thumb/",
        upload_views.picture,
        {"thumbnail": True},
        name="upload-thumbnail",
    ),
]

# A host site's sign-in (docs/embed.md): JSON; the token, not CSRF, is the proof.
urlpatterns += [
    path("embed/sign-in/", embed_views.sign_in, name="embed-sign-in"),
    path("embed/ticket/", embed_views.ticket_renew, name="embed-ticket"),
    path("embed/<slug:slug>/", embed_views.embed_room, name="embed-room"),
    path("embed/<slug:slug>/guest/", embed_views.guest, name="embed-guest"),
    path("embed/<slug:slug>/open/", embed_views.open_full_page, name="embed-open"),
]
