from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_easy_japanese'),
    ]

    operations = [
        migrations.AddField(
            model_name='procedure',
            name='reference_title_en',
            field=models.CharField(blank=True, max_length=400, verbose_name='根拠（英語）'),
        ),
        migrations.AddField(
            model_name='procedure',
            name='reference_title_easy',
            field=models.CharField(blank=True, max_length=400, verbose_name='根拠（やさしい日本語）'),
        ),
    ]
