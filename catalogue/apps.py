from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalogue import edits, search, versioning  # noqa: F401  (search connects receivers)

        edits.connect_signals()  # parts move their owner's edit version (issue 11 B)

        # After the search index's receivers, so that a change's data is written before the
        # version that announces it (see catalogue.versioning).
        versioning.connect_signals()
