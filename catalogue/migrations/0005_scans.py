"""Issue 6: scans keep their upload name, format and orientation, and the size, source and
recipe version of their derivatives (so stale ones can be found and remade)."""

from django.db import migrations, models

import catalogue.models.scans


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_importer")]

    operations = [
        migrations.RemoveField(
            model_name='historicalscan',
            name='display',
        ),
        migrations.RemoveField(
            model_name='historicalscan',
            name='thumbnail',
        ),
        migrations.AddField(
            model_name='historicalscan',
            name='image_format',
            field=models.CharField(blank=True, editable=False, help_text="Pillow's name: JPEG, PNG, TIFF, WEBP.", max_length=10),
        ),
        migrations.AddField(
            model_name='historicalscan',
            name='orientation',
            field=models.PositiveSmallIntegerField(default=1, editable=False, help_text='EXIF orientation of the original (1 = upright); derivatives are turned by it.'),
        ),
        migrations.AddField(
            model_name='historicalscan',
            name='original_filename',
            field=models.CharField(blank=True, editable=False, help_text='The file name as uploaded.', max_length=255),
        ),
        migrations.AddField(
            model_name='scan',
            name='derivatives_source',
            field=models.CharField(blank=True, editable=False, help_text='Checksum of the original the derivatives were made from.', max_length=64),
        ),
        migrations.AddField(
            model_name='scan',
            name='derivatives_version',
            field=models.PositiveSmallIntegerField(default=0, editable=False, help_text='Version of the recipe that made the derivatives.'),
        ),
        migrations.AddField(
            model_name='scan',
            name='display_height',
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='scan',
            name='display_width',
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='scan',
            name='image_format',
            field=models.CharField(blank=True, editable=False, help_text="Pillow's name: JPEG, PNG, TIFF, WEBP.", max_length=10),
        ),
        migrations.AddField(
            model_name='scan',
            name='orientation',
            field=models.PositiveSmallIntegerField(default=1, editable=False, help_text='EXIF orientation of the original (1 = upright); derivatives are turned by it.'),
        ),
        migrations.AddField(
            model_name='scan',
            name='original_filename',
            field=models.CharField(blank=True, editable=False, help_text='The file name as uploaded.', max_length=255),
        ),
        migrations.AddField(
            model_name='scan',
            name='thumbnail_height',
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='scan',
            name='thumbnail_width',
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='historicalscan',
            name='image',
            field=models.TextField(max_length=255),
        ),
        migrations.AlterField(
            model_name='scan',
            name='display',
            field=models.ImageField(blank=True, editable=False, max_length=255, upload_to='scans/display/'),
        ),
        migrations.AlterField(
            model_name='scan',
            name='image',
            field=models.ImageField(height_field='height', max_length=255, upload_to=catalogue.models.scans.scan_upload_to, width_field='width'),
        ),
        migrations.AlterField(
            model_name='scan',
            name='thumbnail',
            field=models.ImageField(blank=True, editable=False, max_length=255, upload_to='scans/thumbnails/'),
        ),
    ]
