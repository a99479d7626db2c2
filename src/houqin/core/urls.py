from django.urls import path

from . import lookup, models
from .importers import PersonImporter
from .views import account, auth, exports, members, pages, places, school
from .views.generic import crud_urls, export_path
from .views.imports import import_urls

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/", account.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", account.token_revoke, name="token_revoke"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/2fa/setup/", auth.otp_setup, name="otp_setup"),
    path("account/2fa/verify/", auth.otp_verify, name="otp_verify"),
    path("lookup/<str:kind>/", lookup.lookup, name="lookup"),
    path("switch-school/", pages.switch, name="switch_school"),
    path("schools/<int:pk>/", school.SchoolDetailView.as_view(), name="school_detail"),
    path("schools/<int:pk>/edit/", school.SchoolEditView.as_view(), name="school_edit"),
    path("approvals/", pages.approval_inbox, name="approval_inbox"),
    path("approvals/<int:pk>/", pages.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/sign/", pages.approval_sign, name="approval_sign"),
    path("notifications/", pages.notification_list, name="notification_list"),
    path("notifications/read/", pages.notification_read, name="notification_read"),
    path("attachments/<int:content_type_id>/<int:object_id>/upload/", pages.attachment_upload,
         name="attachment_upload"),
    path("attachments/<int:pk>/", pages.attachment_download, name="attachment_download"),
    path("members/", members.MembershipListView.as_view(), name="membership_list"),
    export_path("members", members.MembershipListView),
    path("members/add/", members.MembershipAddView.as_view(), name="membership_add"),
    path("members/<int:pk>/", members.MembershipDetailView.as_view(), name="membership_detail"),
    path("members/<int:pk>/delete/", members.MembershipDeleteView.as_view(), name="membership_delete"),
    *crud_urls(models.Campus, list_view=places.CampusListView, detail_view=places.CampusDetailView,
               edit_view=places.CampusEditView, prefix="campuses"),
    *crud_urls(models.Term, list_view=places.TermListView, detail_view=places.TermDetailView,
               edit_view=places.TermEditView, prefix="terms"),
    *crud_urls(models.Building, list_view=places.BuildingListView, detail_view=places.BuildingDetailView,
               edit_view=places.BuildingEditView, prefix="buildings"),
    *crud_urls(models.Room, list_view=places.RoomListView, detail_view=places.RoomDetailView,
               edit_view=places.RoomEditView, prefix="rooms"),
    *crud_urls(models.SchoolClass, list_view=places.SchoolClassListView, detail_view=places.SchoolClassDetailView,
               edit_view=places.SchoolClassEditView, prefix="classes"),
    *crud_urls(models.Person, list_view=places.PersonListView, detail_view=places.PersonDetailView,
               edit_view=places.PersonEditView, prefix="people"),
    *import_urls(PersonImporter, "people"),
    *exports.urlpatterns,
    *crud_urls(models.Certificate, list_view=places.CertificateListView,
               detail_view=places.CertificateDetailView, edit_view=places.CertificateEditView,
               prefix="certificates"),
]
