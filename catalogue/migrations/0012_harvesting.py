"""Harvesting and the site's own pages (issue 14).

- Document.printed_year: the year of the printed volume a document is cited from.
- WithdrawnDocument: documents that were public and no longer are, reported to OAI-PMH
  harvesters as deleted (persistent), with the moment of withdrawal.
- updated_at on persons, organisations and places: the lastmod of their pages in the site map.
- An index of published documents by (updated_at, identifier): OAI-PMH lists by datestamp.
- SitePage with the About page; archivists may edit site pages, editors also publish them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone

ABOUT_TITLE = "About the collection"
ABOUT_BODY = """\
## The collection

*Selected Secret Documents from Soviet Foreign Policy Documents Archives – 1919 to 1941* is a
web collection of English translations of Soviet diplomatic documents: letters, telegrams,
notes, records of conversation and diary extracts about Turkey, the Balkans and Iran, with
some on Afghanistan and India. This catalogue describes each document, links the persons,
bodies and places it names to authority records, and makes it searchable and citable.

## Editorial method

The texts are kept **exactly as received**: the machine-assisted translations, their spelling,
capitalisation and typography (ʹ for an apostrophe, ‐ for a hyphen) are not corrected.
Square brackets in a text are editorial, as in the printed sources: [Chicherin] is a signature
supplied by the editors, [Turks] an insertion, [...] an omission.

Beside the text the catalogue adds clean metadata: the document type, a normalised date in the
Extended Date/Time Format (EDTF) with the date as written, authors and recipients with the
offices the document states, the archival reference in its parts, and the printed source.
Where a source note arrives garbled by the translation ("Print. By architect.",
"Pgchat. About arch.") the editors' gloss is shown beside it: *printed from the archive copy*
(Russian *Pechat. po arkh.*).

## Sources

Most documents come from the printed Soviet series *Dokumenty vneshnei politiki SSSR*
("USSR foreign policy documents", Moscow: Gospolitizdat, from 1957), where each document has a
number, and from archive copies in the Foreign Policy Archive of the Russian Federation
(AVP RF, *Arkhiv vneshnei politiki Rossiiskoi Federatsii*). An archival reference such as
"f. 059, op. 1, p. 322, d. 2216, l. 161–162" names the fond, opis (inventory), papka (folder),
delo (file) and listy (folios).

## Citing and reuse

Every document has a permanent address (/documents/D000001/) and a "Cite this document" box
with Chicago, MLA and APA citations and BibTeX, RIS and CSL-JSON downloads. The catalogue is
open to harvesters: a site map, an OAI-PMH 2.0 interface at /oai/ and a read-only JSON API at
/api/ (documented at /api/docs).

## Rights

The translations are shown as they were published, for study and research. Rights in them
rest with their translators and publishers; ask the editors before reusing a translation at
length. The catalogue's own descriptions and authority records may be reused with
acknowledgement of the catalogue and a link to the document's permanent address.
"""


def grant_and_write(apps, schema_editor):
    app_config = apps.get_app_config("catalogue")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(*codenames):
        return Permission.objects.filter(
            content_type__app_label="catalogue", codename__in=codenames
        )

    editing = permissions("add_sitepage", "change_sitepage", "view_sitepage")
    for group in Group.objects.filter(name="Archivist"):
        group.permissions.add(*editing)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*editing, *permissions("delete_sitepage", "publish_sitepage"))

    SitePage = apps.get_model("catalogue", "SitePage")
    if not SitePage.objects.filter(slug="about").exists():
        SitePage.objects.create(
            slug="about",
            title=ABOUT_TITLE,
            body=ABOUT_BODY,
            published_title=ABOUT_TITLE,
            published_body=ABOUT_BODY,
            published_at=timezone.now(),
        )



class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0010_file_access"),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SitePage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(help_text='Its address: /<slug>/.', max_length=100, unique=True)),
                ('title', models.CharField(max_length=200)),
                ('body', models.TextField(help_text='Markdown: ## headings, *emphasis*, [links](https://…), lists. HTML is shown as text, not interpreted.')),
                ('published_title', models.CharField(blank=True, editable=False, max_length=200)),
                ('published_body', models.TextField(blank=True, editable=False)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'site page',
                'ordering': ['slug'],
                'permissions': [('publish_sitepage', 'Can publish site pages')],
            },
        ),
        migrations.CreateModel(
            name='WithdrawnDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identifier', models.CharField(max_length=32, unique=True)),
                ('withdrawn_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'ordering': ['withdrawn_at', 'identifier'],
            },
        ),
        migrations.AddField(
            model_name='document',
            name='printed_year',
            field=models.CharField(blank=True, help_text='As on the volume’s title page, e.g. “1960”.', max_length=20, verbose_name='year of the printed volume'),
        ),
        migrations.AddField(
            model_name='historicaldocument',
            name='printed_year',
            field=models.CharField(blank=True, help_text='As on the volume’s title page, e.g. “1960”.', max_length=20, verbose_name='year of the printed volume'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name='person',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name='place',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['updated_at', 'identifier'], name='document_published_datestamp'),
        ),
        migrations.AddField(
            model_name='sitepage',
            name='updated_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='withdrawndocument',
            name='collection',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalogue.collection'),
        ),
        migrations.RunPython(grant_and_write, migrations.RunPython.noop),
    ]
