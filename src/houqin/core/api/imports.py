"""The import endpoint of any model with an Importer: POST a file to check it (and, with
`commit`, import it: every row or none), GET `template/` for the .xlsx to fill in. The caller
waits for the answer; the pages run the same import in the background. The body is read by
the API's parsers (settings), as everywhere: a JSON or form body has no file and is refused."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import importer
from ..rules import ADD, can
from .base import SchoolScopedViewSetMixin


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Excel 文件（.xlsx，可先下载导入模板）")
    commit = serializers.BooleanField(default=False, help_text="检查全部通过后直接写入；否则只检查")


def outcome_body(outcome, commit):
    return {"rows": outcome.rows, "imported": outcome.imported, "committed": bool(commit and outcome.ok),
            "errors": [{"row": e.row, "column": e.column, "message": str(e)} for e in outcome.errors]}


class ImportViewSet(SchoolScopedViewSetMixin, viewsets.GenericViewSet):
    """Declare `importer_class`; the role must be allowed to add its model."""

    importer_class = None
    serializer_class = ImportUploadSerializer
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can(request.roles, ADD, self.importer_class.model):
            raise PermissionDenied("您的角色无权导入")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.queryset = cls.importer_class.model.objects.none()  # the schema's and the router's model

    @extend_schema(responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT,
                              422: OpenApiTypes.OBJECT})
    def create(self, request):
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file, commit = upload.validated_data["file"], upload.validated_data["commit"]
        try:
            importer.check_upload(file)
            outcome = self.importer_class(self.school).run(file, by=request.user, commit=commit)
        except importer.ImportFileError as error:
            return Response({"file": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        body = self.body(outcome, commit)
        if not outcome.ok:
            return Response(body, status=422)
        return Response(body, status=status.HTTP_201_CREATED if commit else status.HTTP_200_OK)

    def body(self, outcome, commit):
        """The answer's JSON; an app whose endpoint has always answered otherwise overrides it."""
        return outcome_body(outcome, commit)

    @extend_schema(responses={(200, importer.XLSX): OpenApiTypes.BINARY})
    @action(detail=False)
    def template(self, request):
        """The .xlsx to fill in: the headers and one example row."""
        return importer.xlsx_response(self.importer_class(self.school).template(),
                                      f"{self.importer_class.label()}导入模板.xlsx")
