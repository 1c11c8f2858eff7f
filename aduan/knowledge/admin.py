from django.contrib import admin

from aduan.core.admin import AuditedAdmin

from .models import Article


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    list_display = ("title", "agency", "topic", "review_by", "is_published", "helped_count")
    list_filter = ("is_published", "topic", "agency")
    search_fields = ("title", "questions", "answer")
    readonly_fields = ("shown_count", "helped_count", "used_count", "author", "updated_by")
