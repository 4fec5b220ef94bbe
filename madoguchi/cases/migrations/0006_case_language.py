from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_payment_account_funeral_date_previous_school"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="language",
            field=models.CharField(
                choices=[("ja", "日本語"), ("en", "English"), ("ja-easy", "やさしい日本語")],
                default="ja",
                max_length=8,
                verbose_name="お知らせ・控えの言語",
            ),
        ),
    ]
