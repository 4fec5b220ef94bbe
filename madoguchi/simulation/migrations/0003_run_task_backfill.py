"""Link the runs started before 0002 to their task (found by the task's `run_id` argument)."""

import uuid
from typing import Any

from django.db import migrations


def link_tasks(apps: Any, schema_editor: Any) -> None:
    SimulationRun = apps.get_model("simulation", "SimulationRun")
    Task = apps.get_model("tasks", "Task")
    tasks = Task.objects.filter(name="simulation.run").values_list("pk", "kwargs")
    for task_id, kwargs in tasks.iterator():
        run_id = (kwargs or {}).get("run_id")
        try:
            run = uuid.UUID(str(run_id))
        except ValueError:
            continue
        SimulationRun.objects.filter(pk=run, task__isnull=True).update(task_id=task_id)


class Migration(migrations.Migration):
    dependencies = [("simulation", "0002_run_task"), ("tasks", "0001_initial")]

    operations = [migrations.RunPython(link_tasks, migrations.RunPython.noop)]
