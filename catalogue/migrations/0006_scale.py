"""Reserved for issue 7; operations are added by hand so parallel work does not conflict."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_scans")]

    operations = []
