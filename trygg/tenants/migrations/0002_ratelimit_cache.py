from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", "trygg_ratelimit", database=schema_editor.connection.alias)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(schema_editor.sql_delete_table % {"table": "trygg_ratelimit"})


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
