"""Reserved for issue 6; operations are added by hand so parallel work does not conflict."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_importer")]

    operations = []
