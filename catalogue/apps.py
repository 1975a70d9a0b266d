from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalogue import caching, search  # noqa: F401  (search connects its receivers)

        caching.connect_signals()
