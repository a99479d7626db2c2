"""Factories for the core models. Tests build their data here, never from fixtures."""

import datetime

import factory
from factory.django import DjangoModelFactory

from houqin.core import models
from houqin.core.choices import CertificateKind, RoomKind


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = models.District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"d{n}")
    name = factory.Sequence(lambda n: f"第{n}区")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = models.School
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"s{n}")
    name = factory.Sequence(lambda n: f"第{n}实验小学")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CampusFactory(DjangoModelFactory):
    class Meta:
        model = models.Campus

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"校区{n}")


class TermFactory(DjangoModelFactory):
    class Meta:
        model = models.Term

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"{2000 + n}年春季学期")
    starts_on = factory.Sequence(lambda n: datetime.date(2000 + n, 2, 24))
    ends_on = factory.Sequence(lambda n: datetime.date(2000 + n, 7, 3))


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = models.Building

    school = factory.SubFactory(SchoolFactory)
    campus = factory.SubFactory(CampusFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"教学楼{n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = models.Person

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"职工{n}")


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = models.Room

    school = factory.SubFactory(SchoolFactory)
    building = factory.SubFactory(BuildingFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"{n}室")
    kind = RoomKind.CLASSROOM


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = models.SchoolClass

    school = factory.SubFactory(SchoolFactory)
    grade = factory.Sequence(lambda n: n % 9 + 1)
    number = factory.Sequence(lambda n: n // 9 + 1)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = models.Certificate

    school = factory.SubFactory(SchoolFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..school"))
    kind = CertificateKind.HEALTH
    number = factory.Sequence(lambda n: f"JK{n:06d}")
    issued_on = datetime.date(2026, 1, 1)
    expires_on = datetime.date(2027, 1, 1)
