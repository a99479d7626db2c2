"""Forms of the core app, and SchoolForm, the base of every school-owned model form."""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from .choices import AttachmentKind, Decision, Role
from .models import Building, Campus, Certificate, Person, Room, School, SchoolClass, Term
from .narrowing import narrow_choices
from .services import check_upload, grantable_roles
from .validators import no_control_chars

MAX_PHOTOS = 4


def style(form, small=False):
    """Bootstrap classes on every widget, set once here rather than in each template."""
    size = " form-control-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + (" form-select-sm" if small else "")
        elif isinstance(widget, forms.FileInput):  # a Chinese button in every browser
            widget.template_name = "core/widgets/file.html"
            css = "visually-hidden"
        else:
            css = "form-control" + size
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


def refuse_control_chars(form):
    """Every text field of the form refuses control characters (they break the exports later)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and no_control_chars not in field.validators:
            field.validators.append(no_control_chars)


class StyledForm(forms.Form):
    """A plain form (an action's, a page's): its dropdowns offer what the school may see."""

    small = False

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        narrow_choices(self.fields.values(), school)
        refuse_control_chars(self)
        style(self, small=self.small)


class EmptyForm(StyledForm):
    """The form of a step that asks nothing (submit, start, confirm): only the CSRF token."""


# --- a service's refusal, shown in Chinese ----------------------------------------------


def error_text(error):
    """A service's ValidationError or PermissionDenied as one Chinese sentence."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您无权进行此操作"


def form_error_text(form):
    """An invalid form's errors as one line, each after its field's label: for a message."""
    return "；".join(f"{form.fields[name].label}：{e}" if name in form.fields else str(e)
                    for name, errors in form.errors.items() for e in errors)


def add_service_error(form, error):
    """Put a service's refusal on the form: on the field it names when the form has that
    field, else above the form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, error_text(error))
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


@contextmanager
def service_errors(form):
    """Call a service for a valid form in one transaction: a ValidationError or
    PermissionDenied rolls it back and lands on the form (then `form.errors` is set).

        with service_errors(form):
            order = services.place_order(...)
        if form.errors:
            return self.form_invalid(form)
    """
    try:
        with transaction.atomic():
            yield
    except (ValidationError, PermissionDenied) as error:
        add_service_error(form, error)
    except IntegrityError:  # a rule no form could check first (a row written meanwhile)
        form.add_error(None, "数据与已有记录冲突（如重复），未保存，请检查后重试")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input: at most `most`, each checked as an upload."""

    def __init__(self, *args, most=MAX_PHOTOS, **kwargs):
        self.most = most
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > self.most:
            raise ValidationError(f"最多上传 {self.most} 张照片")
        for file in files:
            check_upload(file)
        return files


class SchoolForm(forms.ModelForm):
    """Narrows every dropdown to the active school's rows, sets the school on save, and
    refuses a stale edit (someone saved the record after this form was opened). A form
    declares `ordered = ((earlier, later, message), ...)`: when both are filled, `later` may
    not come before `earlier`, else `message` on `later`; and `editable_in = (status, message)`:
    a saved record whose `status` is another is refused with `message`."""

    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)
    ordered = ()
    editable_in = None

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        narrow_choices(self.fields.values(), school)
        if self.instance.pk and hasattr(self.instance, "updated_at"):
            self.fields["loaded_at"].initial = self.instance.updated_at.isoformat()
        refuse_control_chars(self)
        style(self)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and hasattr(self.instance, "updated_at"):
            saved = type(self.instance).objects.filter(pk=self.instance.pk)
            current = saved.values_list("updated_at", flat=True).first()
            if current and cleaned.get("loaded_at") and cleaned["loaded_at"] != current.isoformat():
                raise ValidationError("该记录已被他人修改，请刷新后重新编辑（您的修改未保存）")
        if self.editable_in and self.instance.pk and self.instance.status != self.editable_in[0]:
            raise ValidationError(self.editable_in[1])
        for earlier, later, message in self.ordered:
            first, last = cleaned.get(earlier), cleaned.get(later)
            if first and last and last < first:
                self.add_error(later, message)
        return cleaned

    def save(self, commit=True):
        if hasattr(self.instance, "school_id") and not self.instance.school_id:
            self.instance.school = self.school
        return super().save(commit)

    def _post_clean(self):
        # Unique constraints that include `school` need it before validation.
        if hasattr(self.instance, "school_id") and not self.instance.school_id:
            self.instance.school = self.school
        super()._post_clean()

    def _get_validation_exclusions(self):
        # A ModelForm skips every unique rule naming a field it does not show, and `school` is
        # never shown: so "one name per school" would only be met by the database, as a 500.
        # The school is set above, so the rules of the school are checked like the others.
        exclude = super()._get_validation_exclusions()
        if getattr(self.instance, "school_id", None):
            exclude.discard("school")
        return exclude

    def _update_errors(self, errors):
        super()._update_errors(self._duplicates_on_their_field(errors))

    def _duplicates_on_their_field(self, errors):
        """A duplicate within the school, said on the field that repeats: “本校已有相同名称的校区”."""
        if not hasattr(errors, "error_dict") or NON_FIELD_ERRORS not in errors.error_dict:
            return errors
        result = {name: list(errs) for name, errs in errors.error_dict.items() if name != NON_FIELD_ERRORS}
        for error in errors.error_dict[NON_FIELD_ERRORS]:
            check = (getattr(error, "params", None) or {}).get("unique_check", ())
            shown = [name for name in check if name != "school" and name in self.fields]
            if "school" in check and shown:
                labels = "、".join(str(self.fields[name].label) for name in shown)
                values = "、".join(str(self.cleaned_data.get(name, "")) for name in shown)
                message = f"{labels}“{values}”在本校已被使用，请换一个"
                result.setdefault(shown[0], []).append(ValidationError(message, code="unique"))
            else:
                result.setdefault(NON_FIELD_ERRORS, []).append(error)
        return ValidationError(result)


class SchoolSettingsForm(SchoolForm):
    webhook_url = forms.URLField(label="群机器人地址", required=False, assume_scheme="https")

    class Meta:
        model = School
        fields = ["name", "address", "pupils", "boarding", "principal_threshold", "district_threshold",
                  "capitalisation_threshold", "require_two_factor", "staff_contacts_open", "webhook_kind",
                  "webhook_url"]

    def clean(self):
        cleaned = super().clean()
        p, d = cleaned.get("principal_threshold"), cleaned.get("district_threshold")
        if p is not None and d is not None and d < p:
            self.add_error("district_threshold", "报勤办审批起点不能低于校长审批起点")
        if cleaned.get("webhook_kind") and not cleaned.get("webhook_url"):
            self.add_error("webhook_url", "选择了群机器人，请填写它的地址")
        return cleaned


class CampusForm(SchoolForm):
    class Meta:
        model = Campus
        fields = ["name", "address"]


class TermForm(SchoolForm):
    ordered = (("starts_on", "ends_on", "结束日期不能早于开学日期"),)

    class Meta:
        model = Term
        fields = ["name", "starts_on", "ends_on"]


class BuildingForm(SchoolForm):
    class Meta:
        model = Building
        fields = ["campus", "name", "floors"]


class RoomForm(SchoolForm):
    class Meta:
        model = Room
        fields = ["building", "name", "number", "floor", "kind", "responsible"]


class SchoolClassForm(SchoolForm):
    class Meta:
        model = SchoolClass
        fields = ["grade", "number", "head_teacher", "room", "pupils"]


class PersonForm(SchoolForm):
    class Meta:
        model = Person
        fields = ["name", "gender", "phone", "position", "employment", "active"]


class CertificateForm(SchoolForm):
    class Meta:
        model = Certificate
        fields = ["person", "kind", "number", "issuer", "issued_on", "expires_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}),
                   "expires_on": forms.DateInput(attrs={"type": "date"})}

    ordered = (("issued_on", "expires_on", "有效期不能早于发证日期"),)


class GrantRoleForm(StyledForm):
    """Add a role at this school to an account, creating the account if the name is new."""

    username = forms.RegexField(label="登录名", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "登录名只能包含字母、数字和 . @ + - _"})
    display_name = forms.CharField(label="姓名", max_length=50, required=False)
    role = forms.ChoiceField(label="角色")
    password = forms.CharField(label="初始密码", required=False, widget=forms.PasswordInput,
                               help_text="仅新账号需要；已有账号保持原密码")
    person = forms.ModelChoiceField(label="对应教职工", queryset=Person.objects.filter(user__isnull=True),
                                    required=False)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(roles)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in allowed]


class SignForm(StyledForm):
    decision = forms.ChoiceField(label="意见", choices=Decision.choices)
    comment = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(StyledForm):
    kind = forms.ChoiceField(label="类别", choices=AttachmentKind.choices)
    file = forms.FileField(label="文件")
