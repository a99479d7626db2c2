"""Shared helpers of the safety tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from houqin.core.models import Person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name="after.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def person(world, role, school="a"):
    return Person.objects.get(user=world.user(role, school))
