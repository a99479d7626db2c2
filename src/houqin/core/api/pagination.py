from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`count` and `results`, 50 a page by default, at most 200."""

    page_size_query_param = "page_size"
    max_page_size = 200
