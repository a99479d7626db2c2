"""Demo data (`houqin demo`) and generated benchmark data (`houqin gendata`).

Demo: the district 示范区 with 恩施市实验小学 (esyx) and 石台实验小学 (styx), their buildings,
rooms, classes, staff register, certificates and a login for every role. The data are the
tables at the top of this file; the functions below only walk them. Building the demo is
idempotent: every row is found by its natural key, and an existing row is saved only when
the tables say something different, so running it twice writes nothing (and adds no history).
Dates relative to today (certificate expiry) are set only when a row is first created.

Each app adds its own demo data and generated data in its `demo.py`:

    from houqin.core.demo import demo_step, gendata_step

    @demo_step("assets")
    def assets(demo):            # demo.school("esyx"), demo.person("esyx", "director"), demo.user(...)
        ...

    @gendata_step("assets")
    def gen_assets(gen):         # called once per generated school, inside its transaction
        ...                      # gen.school, gen.ids["rooms"], gen.ids["people"], gen.bulk(...)

Steps run in registration order; `houqin.core.demo` is imported first, then every installed
app's `demo` module.
"""

import datetime
import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .choices import SCHOOL_ROLES, CertificateKind, Employment, Gender, Role, RoomKind
from .models import (
    Building,
    Campus,
    Certificate,
    District,
    Membership,
    Person,
    Room,
    School,
    SchoolClass,
    Term,
    User,
)

DEMO_PASSWORD = "houqin-demo"

K = RoomKind
C = CertificateKind
F, M = Gender.FEMALE, Gender.MALE
STAFF, CONTRACT = Employment.STAFF, Employment.CONTRACT

DISTRICT = {"code": "demo", "name": "示范区"}
OFFICER = {"username": "district.officer", "display_name": "龙国平", "phone": "13907180001"}
ADMIN = {"username": "admin", "display_name": "系统管理员"}

# Rooms every school has: (building, floor, number, name, kind, responsible staff key).
ROOMS = [
    ("办公楼", 1, "101", "总务处", K.OFFICE, "director"),
    ("办公楼", 1, "102", "总务仓库", K.WAREHOUSE, "keeper"),
    ("办公楼", 2, "201", "校长室", K.OFFICE, "principal"),
    ("办公楼", 2, "202", "财务室", K.OFFICE, "accountant"),
    ("办公楼", 2, "203", "会议室", K.OFFICE, "director"),
    ("办公楼", 3, "301", "教务处", K.OFFICE, None),
    ("办公楼", 3, "302", "政教处", K.OFFICE, None),
    ("办公楼", 3, "303", "教师办公室", K.OFFICE, None),
    ("综合楼", 1, "101", "配电房", K.OTHER, "worker"),
    ("综合楼", 1, "102", "维修间", K.OTHER, "worker"),
    ("综合楼", 2, "201", "微机室", K.FUNCTION, None),
    ("综合楼", 2, "202", "多媒体教室", K.FUNCTION, None),
    ("综合楼", 3, "301", "科学实验室", K.FUNCTION, None),
    ("综合楼", 3, "302", "仪器室", K.FUNCTION, None),
    ("综合楼", 4, "401", "图书室", K.FUNCTION, None),
    ("综合楼", 4, "402", "阅览室", K.FUNCTION, None),
    ("综合楼", 5, "501", "音乐室", K.FUNCTION, None),
    ("综合楼", 5, "502", "美术室", K.FUNCTION, None),
    ("食堂", 1, "101", "学生餐厅", K.CANTEEN, "canteen"),
    ("食堂", 1, "102", "操作间", K.CANTEEN, "canteen"),
    ("食堂", 1, "103", "留样间", K.CANTEEN, "canteen"),
    ("食堂", 1, "104", "食堂仓库", K.WAREHOUSE, "canteen"),
    ("食堂", 2, "201", "教工餐厅", K.CANTEEN, "canteen"),
    ("校门", 1, "", "门卫室", K.OTHER, "guard"),
    ("校门", 1, "", "监控室", K.OTHER, "guard"),
]

# Buildings every school has: (name, floors). Classrooms are in 教学楼, one floor per grade.
BUILDINGS = [("教学楼", 6), ("综合楼", 5), ("办公楼", 3), ("食堂", 2), ("校门", 1)]
GRADES, CLASSES_PER_GRADE = 6, 3

# Staff of the school who log in: role -> (name, gender, position, employment).
# The teacher is head teacher of 六(3)班, the last entry of HEAD_TEACHERS.
# Contract workers who never log in: key -> (name, gender, position).
# Certificates: (staff key, kind, issued days before today, expires days from today);
# a negative expiry is already past. Every school also gets its issuing authorities.
SCHOOLS = {
    "esyx": {
        "name": "恩施市实验小学",
        "address": "湖北省恩施市施州大道88号",
        "boarding": False,
        "campus": ("本部", "湖北省恩施市施州大道88号"),
        "buildings": [],
        "rooms": [("综合楼", 1, "103", "电梯机房", K.OTHER, "elevator")],
        "users": {
            Role.PRINCIPAL: ("向红梅", F, "校长", STAFF),
            Role.DIRECTOR: ("田家兴", M, "总务主任", STAFF),
            Role.KEEPER: ("谭春燕", F, "仓库保管员", STAFF),
            Role.BUYER: ("黄志强", M, "采购员", STAFF),
            Role.ACCOUNTANT: ("覃丽娟", F, "会计", STAFF),
            Role.CANTEEN: ("冉启华", M, "食堂管理员", STAFF),
            Role.WORKER: ("彭德明", M, "维修电工", STAFF),
            Role.TEACHER: ("邓晓琳", F, "语文教师", STAFF),
            Role.GUARD: ("杨大兵", M, "门卫", CONTRACT),
        },
        "head_teachers": [
            ("李秀兰", F), ("张雪梅", F), ("王芳", F), ("刘婷", F), ("陈静", F), ("杨帆", M),
            ("赵敏", F), ("周建华", M), ("吴晓燕", F), ("孙丽", F), ("胡海波", M), ("郑玉兰", F),
            ("何春梅", F), ("罗志刚", M), ("高慧", F), ("梁文斌", M), ("宋佳", F),
        ],
        "workers": {
            "cook1": ("牟长青", M, "厨师"),
            "cook2": ("龚桂英", F, "厨师"),
            "helper1": ("滕秀珍", F, "帮厨"),
            "helper2": ("姚菊花", F, "帮厨"),
            "security1": ("郑国庆", M, "保安"),
            "security2": ("万金福", M, "保安（打更）"),
            "cleaner1": ("雷小英", F, "保洁员"),
            "cleaner2": ("符春兰", F, "保洁员"),
            "elevator": ("卢德顺", M, "电梯司机"),
            "driver": ("曾宪武", M, "校车司机"),
        },
        "certificates": [
            (Role.CANTEEN, C.HEALTH, 200, 165),
            (Role.CANTEEN, C.TRAINING, 400, 695),
            ("cook1", C.HEALTH, 150, 215),
            ("cook1", C.TRAINING, 300, 795),
            ("cook2", C.HEALTH, 353, 12),  # expires in 12 days
            ("cook2", C.TRAINING, 300, 795),
            ("helper1", C.HEALTH, 90, 275),
            ("helper1", C.TRAINING, 300, 795),
            ("helper2", C.HEALTH, 120, 245),
            ("helper2", C.TRAINING, 1070, 25),  # expires in 25 days
            ("security1", C.SECURITY, 700, 1125),
            ("security2", C.SECURITY, 900, 925),
            ("elevator", C.SPECIAL_EQUIPMENT, 1860, -400),  # seed 000: 上岗证已过期一年多
            ("driver", C.DRIVER, 1500, 2150),
            (Role.WORKER, C.ELECTRICIAN, 2170, 20),  # expires in 20 days
        ],
        "issuers": {
            C.HEALTH: "恩施市疾病预防控制中心",
            C.TRAINING: "恩施市市场监督管理局",
            C.SPECIAL_EQUIPMENT: "恩施州市场监督管理局",
            C.ELECTRICIAN: "湖北省应急管理厅",
            C.SECURITY: "恩施州公安局",
            C.DRIVER: "恩施州公安局交通警察支队",
        },
        "phone_prefix": "1397181",
    },
    "styx": {
        "name": "石台实验小学",
        "address": "安徽省池州市石台县仁里镇秋浦东路16号",
        "boarding": True,
        "campus": ("本部", "安徽省池州市石台县仁里镇秋浦东路16号"),
        "buildings": [("宿舍楼", 3)],
        "rooms": [
            ("宿舍楼", 1, "100", "宿管值班室", K.OFFICE, "dorm"),
            ("宿舍楼", 1, "101", "男生宿舍101", K.DORMITORY, "dorm"),
            ("宿舍楼", 1, "102", "男生宿舍102", K.DORMITORY, "dorm"),
            ("宿舍楼", 1, "103", "男生宿舍103", K.DORMITORY, "dorm"),
            ("宿舍楼", 2, "201", "女生宿舍201", K.DORMITORY, "dorm"),
            ("宿舍楼", 2, "202", "女生宿舍202", K.DORMITORY, "dorm"),
            ("宿舍楼", 2, "203", "女生宿舍203", K.DORMITORY, "dorm"),
            ("宿舍楼", 3, "301", "晾衣房", K.OTHER, "dorm"),
            ("食堂", 1, "105", "锅炉房", K.OTHER, "boiler"),
        ],
        "users": {
            Role.PRINCIPAL: ("汪志远", M, "校长", STAFF),
            Role.DIRECTOR: ("程立新", M, "总务主任", STAFF),
            Role.KEEPER: ("胡月娥", F, "仓库保管员", STAFF),
            Role.BUYER: ("方建军", M, "采购员", STAFF),
            Role.ACCOUNTANT: ("章晓红", F, "报账员", STAFF),
            Role.CANTEEN: ("叶桂芳", F, "食堂管理员", STAFF),
            Role.WORKER: ("吴长根", M, "维修工", CONTRACT),
            Role.TEACHER: ("王雅琴", F, "数学教师", STAFF),
            Role.GUARD: ("陈守义", M, "门卫", CONTRACT),
        },
        "head_teachers": [
            ("李春燕", F), ("舒敏", F), ("查文静", F), ("余红霞", F), ("汪小平", M), ("姚丽萍", F),
            ("朱玲", F), ("潘志华", M), ("徐燕", F), ("江海燕", F), ("程晓东", M), ("苏娟", F),
            ("许丽华", F), ("柯建新", M), ("黄梅", F), ("储晨", M), ("刘雨婷", F),
        ],
        "workers": {
            "cook1": ("余大海", M, "厨师"),
            "cook2": ("倪秀英", F, "厨师"),
            "helper1": ("檀金莲", F, "帮厨"),
            "security1": ("储国平", M, "保安"),
            "cleaner1": ("饶春花", F, "保洁员"),
            "dorm": ("孙桂兰", F, "宿舍管理员"),
            "boiler": ("葛长林", M, "司炉工"),
        },
        "certificates": [
            (Role.CANTEEN, C.HEALTH, 100, 265),
            (Role.CANTEEN, C.TRAINING, 200, 895),
            ("cook1", C.HEALTH, 340, 25),  # expires in 25 days
            ("cook1", C.TRAINING, 200, 895),
            ("cook2", C.HEALTH, 60, 305),
            ("cook2", C.TRAINING, 200, 895),
            ("helper1", C.HEALTH, 30, 335),
            ("dorm", C.HEALTH, 80, 285),
            ("security1", C.SECURITY, 500, 1325),
            ("boiler", C.SPECIAL_EQUIPMENT, 600, 860),
        ],
        "issuers": {
            C.HEALTH: "石台县疾病预防控制中心",
            C.TRAINING: "石台县市场监督管理局",
            C.SPECIAL_EQUIPMENT: "池州市市场监督管理局",
            C.SECURITY: "池州市公安局",
        },
        "phone_prefix": "1385566",
    },
}

CERTIFICATE_PREFIX = {
    C.HEALTH: "JK", C.TRAINING: "PX", C.SPECIAL_EQUIPMENT: "TS", C.ELECTRICIAN: "DG",
    C.SECURITY: "BA", C.DRIVER: "JZ", C.OTHER: "QT",
}


# --- Registries ---------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    func: object
    after: tuple = ()  # names of the steps this one needs to have run first


DEMO_STEPS: list[Step] = []
GENDATA_STEPS: list[Step] = []


def _register(registry, name, after=()):
    def decorator(func):
        if any(s.name == name for s in registry):
            raise ValueError(f"step {name} registered twice")
        registry.append(Step(name, func, tuple(after)))
        return func

    return decorator


def demo_step(name, *, after=()):
    """Register `func(demo)` as a step of `houqin demo`. Steps run in the order their apps are
    installed, except that a step runs after the steps it names in `after`."""
    return _register(DEMO_STEPS, name, after)


def in_order(steps):
    """The steps in registration order, each moved after the steps named in its `after`."""
    by_name = {step.name: step for step in steps}
    ordered, placed = [], set()

    def place(step, waiting=()):
        if step.name in placed:
            return
        if step.name in waiting:
            raise ValueError(f"demo steps wait on each other: {' → '.join((*waiting, step.name))}")
        for name in step.after:
            if name not in by_name:
                raise ValueError(f"demo step {step.name} waits on {name}, which no installed app registers")
            place(by_name[name], (*waiting, step.name))
        placed.add(step.name)
        ordered.append(step)

    for step in steps:
        place(step)
    return ordered


def gendata_step(name):
    """Register `func(gen)` as a step of `houqin gendata`, called once per generated school."""
    return _register(GENDATA_STEPS, name)


def discover():
    """Import every installed app's `demo` module so that its steps are registered."""
    autodiscover_modules("demo")


# --- Demo -------------------------------------------------------------------------------


@dataclass
class Demo:
    """What the steps build and share: later steps find earlier rows here."""

    today: datetime.date
    district: District | None = None
    schools: dict = field(default_factory=dict)  # code -> School
    people: dict = field(default_factory=dict)  # (code, staff key) -> Person
    users: dict = field(default_factory=dict)  # username -> User
    logins: list = field(default_factory=list)  # (username, name, role label, school name)
    created: Counter = field(default_factory=Counter)  # model label -> rows created

    def school(self, code):
        return self.schools[code]

    def person(self, code, key):
        return self.people[(code, key)]

    def user(self, username):
        return self.users[username]

    def ensure(self, model, lookup, values=None, initial=None):
        """The row matching `lookup`. Missing: created with `values` and `initial`.
        Present: `values` applied, and saved only if one of them differs."""
        values = values or {}
        obj = model.objects.filter(**lookup).order_by("pk").first()
        if obj is None:
            self.created[model._meta.verbose_name] += 1
            return model.objects.create(**lookup, **values, **(initial or {}))
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
        return obj

    def ensure_user(self, username, **values):
        """A login with the demo password, set only when the user is first created."""
        user = User.objects.filter(username=username).first()
        if user is None:
            self.created[User._meta.verbose_name] += 1
            user = User(username=username, **values)
            user.set_password(DEMO_PASSWORD)
            user.save()
        else:
            self.ensure(User, {"pk": user.pk}, values)
            user.refresh_from_db()
        self.users[username] = user
        return user


def classroom_name(grade, number):
    return f"{SchoolClass.GRADE_NAMES[grade - 1]}({number})班"


def class_pupils(code, grade, number):
    return 44 + (grade * 7 + number * 3 + len(code)) % 9


def build_demo(stdout=None, today=None):
    """Run every demo step in order inside one transaction; returns the Demo."""
    discover()
    demo = Demo(today=today or timezone.localdate())
    with transaction.atomic():
        for step in in_order(DEMO_STEPS):
            started = time.perf_counter()
            step.func(demo)
            if stdout is not None:
                stdout.write(f"  {step.name:<12} {time.perf_counter() - started:6.2f} 秒")
    return demo


@demo_step("tenancy")
def demo_tenancy(demo):
    demo.district = demo.ensure(District, {"code": DISTRICT["code"]}, {"name": DISTRICT["name"]})
    for code, spec in SCHOOLS.items():
        pupils = sum(class_pupils(code, g, n) for g in range(1, GRADES + 1)
                     for n in range(1, CLASSES_PER_GRADE + 1))
        demo.schools[code] = demo.ensure(School, {"code": code}, {
            "district": demo.district, "name": spec["name"], "address": spec["address"],
            "boarding": spec["boarding"], "pupils": pupils,
        })


@demo_step("people")
def demo_people(demo):
    """The staff register: role holders, head teachers and contract workers."""
    for code, spec in SCHOOLS.items():
        school = demo.schools[code]
        rows = [(role.value, name, gender, position, employment)
                for role, (name, gender, position, employment) in spec["users"].items()]
        rows += [(f"head{i + 1}", name, gender, "班主任", STAFF)
                 for i, (name, gender) in enumerate(spec["head_teachers"])]
        rows += [(key, name, gender, position, CONTRACT)
                 for key, (name, gender, position) in spec["workers"].items()]
        for i, (key, name, gender, position, employment) in enumerate(rows, start=1):
            demo.people[(code, key)] = demo.ensure(Person, {"school": school, "name": name}, {
                "gender": gender, "position": position, "employment": employment,
                "phone": f"{spec['phone_prefix']}{i:04d}",
            })


@demo_step("places")
def demo_places(demo):
    """Campus, buildings, rooms of every kind, and the classes with their classrooms."""
    for code, spec in SCHOOLS.items():
        school = demo.schools[code]
        campus_name, campus_address = spec["campus"]
        campus = demo.ensure(Campus, {"school": school, "name": campus_name}, {"address": campus_address})
        buildings = {
            name: demo.ensure(Building, {"school": school, "campus": campus, "name": name},
                              {"floors": floors})
            for name, floors in BUILDINGS + spec["buildings"]
        }
        for building, floor, number, name, kind, responsible in ROOMS + spec["rooms"]:
            demo.ensure(Room, {"school": school, "building": buildings[building], "name": name}, {
                "floor": floor, "number": number, "kind": kind,
                "responsible": demo.people[(code, responsible)] if responsible else None,
            })
        heads = [f"head{i + 1}" for i in range(len(spec["head_teachers"]))] + [Role.TEACHER.value]
        for grade in range(1, GRADES + 1):
            for number in range(1, CLASSES_PER_GRADE + 1):
                head = demo.people[(code, heads[(grade - 1) * CLASSES_PER_GRADE + number - 1])]
                room = demo.ensure(Room, {"school": school, "building": buildings["教学楼"],
                                          "name": f"{classroom_name(grade, number)}教室"},
                                   {"floor": grade, "number": f"{grade}0{number}", "kind": K.CLASSROOM,
                                    "responsible": head})
                demo.ensure(SchoolClass, {"school": school, "grade": grade, "number": number}, {
                    "head_teacher": head, "room": room, "pupils": class_pupils(code, grade, number),
                })


def term_dates(year):
    """The usual calendar: spring term late February to early July, autumn term September
    to late January of the next year."""
    return [
        (f"{year}年春季学期", datetime.date(year, 2, 24), datetime.date(year, 7, 3)),
        (f"{year}年秋季学期", datetime.date(year, 9, 1), datetime.date(year + 1, 1, 22)),
    ]


@demo_step("terms")
def demo_terms(demo):
    """Last year's and this year's terms, so the current term has one before it to compare with."""
    year = demo.today.year if demo.today.month >= 2 else demo.today.year - 1
    for school in demo.schools.values():
        for name, starts, ends in term_dates(year - 1) + term_dates(year):
            demo.ensure(Term, {"school": school, "name": name}, {"starts_on": starts, "ends_on": ends})


@demo_step("certificates")
def demo_certificates(demo):
    for code, spec in SCHOOLS.items():
        school = demo.schools[code]
        for i, (key, kind, issued_ago, expires_in) in enumerate(spec["certificates"], start=1):
            key = key.value if isinstance(key, Role) else key
            demo.ensure(
                Certificate, {"school": school, "person": demo.people[(code, key)], "kind": kind},
                {"issuer": spec["issuers"][kind]},
                initial={
                    "number": f"{CERTIFICATE_PREFIX[kind]}{code.upper()}{2020 + i % 6}{i:04d}",
                    "issued_on": demo.today - datetime.timedelta(days=issued_ago),
                    "expires_on": demo.today + datetime.timedelta(days=expires_in),
                },
            )


@demo_step("users")
def demo_users(demo):
    """A login for every school role (`esyx.director` …), the district officer and admin."""
    for code in SCHOOLS:
        school = demo.schools[code]
        for role in SCHOOL_ROLES:
            person = demo.people[(code, role.value)]
            username = f"{code}.{role.value}"
            user = demo.ensure_user(username, display_name=person.name, phone=person.phone)
            demo.ensure(Membership, {"user": user, "school": school, "role": role})
            demo.ensure(Person, {"pk": person.pk}, {"user": user})
            demo.logins.append((username, person.name, role.label, school.name))
    officer = demo.ensure_user(OFFICER["username"], display_name=OFFICER["display_name"],
                               phone=OFFICER["phone"])
    demo.ensure(Membership, {"user": officer, "district": demo.district, "role": Role.DISTRICT_OFFICER})
    demo.logins.append((officer.username, officer.display_name, Role.DISTRICT_OFFICER.label,
                        demo.district.name))
    admin = demo.ensure_user(ADMIN["username"], display_name=ADMIN["display_name"],
                             is_staff=True, is_superuser=True)
    demo.logins.append((admin.username, admin.display_name, "超级管理员", "全部"))


def text_table(header, rows):
    """Rows as aligned text; Chinese characters count two columns wide."""

    def width(text):
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))

    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = (f"{cell}{' ' * (w - width(cell))}" for cell, w in zip(row, widths, strict=True))
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


# --- Generated data (benchmarks) -------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
    "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
    "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃向冉"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文红梅春燕志德海"
    "波玉晓林云峰鹏辉斌宇浩凯雪琳婷倩慧佳琴"
)
POSITIONS = [
    "语文教师", "数学教师", "英语教师", "科学教师", "体育教师", "音乐教师", "美术教师",
    "信息技术教师", "班主任", "厨师", "帮厨", "保安", "保洁员", "维修工", "宿舍管理员",
    "校医", "会计", "仓库保管员",
]
CONTRACT_POSITIONS = {"厨师", "帮厨", "保安", "保洁员", "宿舍管理员"}
GEN_ROOM_KINDS = [K.CLASSROOM] * 6 + [K.OFFICE] * 2 + [K.FUNCTION, K.CANTEEN, K.DORMITORY, K.WAREHOUSE,
                                                       K.OTHER]
GEN_CERT_KINDS = [C.HEALTH, C.HEALTH, C.TRAINING, C.SECURITY, C.ELECTRICIAN, C.SPECIAL_EQUIPMENT, C.DRIVER]
ROOMS_PER_BUILDING = 100


@dataclass
class GenData:
    """The state of one `houqin gendata` run. For the school being generated, `ids` holds the
    primary keys created so far by kind ("buildings", "rooms", "people", "classes" …)."""

    rooms: int
    people: int
    options: dict
    today: datetime.date
    password_hash: str
    batch_size: int = 2000
    district: District | None = None
    school: School | None = None
    index: int = 0
    rng: random.Random | None = None
    ids: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)  # model label -> rows created

    def bulk(self, model, objs):
        """bulk_create in batches; returns the objects with their primary keys set."""
        objs = model.objects.bulk_create(objs, batch_size=self.batch_size)
        self.counts[model._meta.label] += len(objs)
        return objs


def generate(*, schools, rooms, people, options=None, stdout=None, batch_size=2000):
    """Create schools gen1 … genN (those that do not exist yet) with bulk inserts; returns the
    GenData with the row counts. Each school is one transaction."""
    discover()
    gen = GenData(rooms=rooms, people=people, options=options or {}, today=timezone.localdate(),
                  password_hash=make_password(DEMO_PASSWORD), batch_size=batch_size)
    gen.district, created = District.objects.get_or_create(code="gen", defaults={"name": "压测区"})
    gen.counts[District._meta.label] += int(created)
    existing = set(School.objects.filter(code__startswith="gen").values_list("code", flat=True))
    for index in range(1, schools + 1):
        code = f"gen{index}"
        if code in existing:
            if stdout is not None:
                stdout.write(f"  {code} 已存在，跳过")
            continue
        started, before = time.perf_counter(), sum(gen.counts.values())
        with transaction.atomic():
            gen.index, gen.ids, gen.rng = index, {}, random.Random(index)
            gen.school = School.objects.create(
                district=gen.district, code=code, name=f"压测第{index}小学", address=f"压测区学府路{index}号",
                pupils=rooms * 20,
            )
            gen.counts[School._meta.label] += 1
            for step in GENDATA_STEPS:
                step.func(gen)
        if stdout is not None:
            rows = sum(gen.counts.values()) - before
            elapsed = time.perf_counter() - started
            stdout.write(f"  {code}: {rows} 行，{elapsed:.1f} 秒，{rows / elapsed:,.0f} 行/秒")
    return gen


def _gen_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


@gendata_step("core")
def gen_core(gen):
    """Campus, buildings of 100 rooms, rooms, people with a certificate each, 6 grades of
    classes, and the director's login `gen<i>.director`."""
    school, rng = gen.school, gen.rng
    director = gen.bulk(User, [User(username=f"{school.code}.director", display_name=_gen_name(rng),
                                    password=gen.password_hash)])[0]
    gen.bulk(Membership, [Membership(user=director, school=school, role=Role.DIRECTOR)])
    campus = gen.bulk(Campus, [Campus(school=school, name="本部", address=school.address)])[0]
    n_buildings = max(1, -(-gen.rooms // ROOMS_PER_BUILDING))
    buildings = gen.bulk(Building, [Building(school=school, campus=campus, name=f"{b + 1}号楼", floors=5)
                                    for b in range(n_buildings)])
    gen.ids["buildings"] = [b.pk for b in buildings]

    people = []
    for i in range(gen.people):
        position = rng.choice(POSITIONS)
        people.append(Person(
            school=school, name=director.display_name if i == 0 else _gen_name(rng),
            gender=rng.choice((F, M)), phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
            position="总务主任" if i == 0 else position,
            employment=CONTRACT if position in CONTRACT_POSITIONS and i else STAFF,
            user=director if i == 0 else None, active=rng.random() > 0.03,
        ))
    people = gen.bulk(Person, people)
    gen.ids["people"] = [p.pk for p in people]

    rooms = []
    for r in range(gen.rooms):
        building, k = buildings[r // ROOMS_PER_BUILDING], r % ROOMS_PER_BUILDING
        floor = k // 20 + 1
        kind = GEN_ROOM_KINDS[r % len(GEN_ROOM_KINDS)]
        number = f"{floor}{k % 20 + 1:02d}"
        responsible = gen.ids["people"][r % len(people)] if people and r % 3 == 0 else None
        rooms.append(Room(school=school, building=building, name=f"{building.name}{number}室", number=number,
                          floor=floor, kind=kind, responsible_id=responsible))
    rooms = gen.bulk(Room, rooms)
    gen.ids["rooms"] = [r.pk for r in rooms]

    classrooms = [r for r in rooms if r.kind == K.CLASSROOM]
    per_grade = max(1, min(len(classrooms) // GRADES, 30))
    classes = []
    for i, (g, n) in enumerate((g, n) for g in range(1, GRADES + 1) for n in range(1, per_grade + 1)):
        classes.append(SchoolClass(
            school=school, grade=g, number=n, pupils=40 + rng.randint(0, 15),
            room=classrooms[i] if i < len(classrooms) else None,
            head_teacher_id=gen.ids["people"][i % len(people)] if people else None,
        ))
    gen.ids["classes"] = [c.pk for c in gen.bulk(SchoolClass, classes)]

    certificates = []
    for p in people:
        kind = rng.choice(GEN_CERT_KINDS)
        issued = gen.today - datetime.timedelta(days=rng.randint(30, 1500))
        expires = gen.today + datetime.timedelta(days=rng.randint(-60, 900))
        certificates.append(Certificate(
            school=school, person=p, kind=kind, issuer="压测区市场监督管理局",
            number=f"{CERTIFICATE_PREFIX[kind]}{rng.randint(0, 10**10):010d}",
            issued_on=min(issued, expires), expires_on=expires,
        ))
    gen.ids["certificates"] = [c.pk for c in gen.bulk(Certificate, certificates)]
