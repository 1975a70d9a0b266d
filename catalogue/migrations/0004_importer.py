"""Reserved for issue 5; operations are added by hand so parallel work does not conflict."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search")]

    operations = []
