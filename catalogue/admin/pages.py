"""Site pages (About): archivists and editors edit the working copy; only editors publish."""

from django.contrib import admin, messages
from django.utils.html import format_html

from catalogue.models import SitePage
from catalogue.prose import render_markdown

PUBLISH_PERMISSION = "catalogue.publish_sitepage"


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The public sees a page's published copy; "Publish" replaces it by the working copy."""

    list_display = ["title", "slug", "published_at", "has_unpublished_changes"]
    fields = ["slug", "title", "body", "preview", "publication"]
    readonly_fields = ["preview", "publication"]
    actions = ["publish"]
    prepopulated_fields = {"slug": ["title"]}

    @admin.display(boolean=True, description="unpublished changes")
    def has_unpublished_changes(self, page):
        return page.has_unpublished_changes

    @admin.display(description="preview of the working copy")
    def preview(self, page):
        return render_markdown(page.body) if page.pk else "–"

    @admin.display(description="published copy")
    def publication(self, page):
        if not page.published_at:
            return "Not published: the public cannot see this page."
        state = "differs from the working copy" if page.has_unpublished_changes else "current"
        return format_html(
            'Published {} (<a href="{}">view</a>); {}. Editors publish with the action '
            "“Publish selected pages” on the list.",
            page.published_at.strftime("%d %B %Y %H:%M"),
            page.get_absolute_url(),
            state,
        )

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected pages", permissions=["publish"])
    def publish(self, request, queryset):
        for page in queryset:
            page.publish(request.user)
        self.message_user(request, f"Published {queryset.count()} page(s).", messages.SUCCESS)
