"""The admin in a real browser: adding a footnote with the inline's "Add another" link."""

from playwright.sync_api import expect

from catalogue.models import Document, Footnote


def test_admin_inline_add_saves_a_footnote(seed, site, page, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only")
    document = Document.objects.get(identifier="D000001")
    before = document.footnotes.count()
    page.goto(f"{site}/admin/login/?next=/admin/catalogue/document/{document.pk}/change/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("pw-for-tests-only")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    group = page.locator("#footnotes-group")
    group.get_by_role("button", name="Add another Footnote").click()
    new_form = group.locator(".inline-related:not(.empty-form)").last
    new_form.locator("input[name$='-marker']").fill("**")
    new_form.locator("textarea[name$='-text']").fill("A note added in the browser.")
    with page.expect_navigation():
        page.locator("input[name='_continue']").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert document.footnotes.count() == before + 1
    assert Footnote.objects.filter(document=document, marker="**").get().text == (
        "A note added in the browser."
    )
