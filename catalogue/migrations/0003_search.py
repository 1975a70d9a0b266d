"""Reserved for issue 3; operations are added by hand so parallel work does not conflict."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_groups_and_themes")]

    operations = []
