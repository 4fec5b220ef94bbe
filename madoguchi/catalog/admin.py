"""Managers edit the catalog in the admin; every save is validated by the rules engine and audited."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.actions import PROCEDURE_FIELDS, bump_version
from madoguchi.catalog.editing import document_lines, documents_from_lines
from madoguchi.catalog.models import Procedure
from madoguchi.catalog.service import meta_spec, procedure_spec
from madoguchi.rules.catalog import CatalogError, catalog_from_data
from madoguchi.rules.facts import EVENTS
from madoguchi.staff.admin import CapabilityModelAdmin
from madoguchi.staff.roles import EDIT_CATALOG


class ProcedureForm(forms.ModelForm):
    """Rules as YAML text, events as check boxes, documents one per line."""

    events = forms.MultipleChoiceField(
        label=_("ライフイベント"), choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )
    rules_text = forms.CharField(
        label=_("判定条件"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 100, "style": "font-family: monospace"}),
        help_text=_("- when: 条件式 / reason: 理由 の並び（docs/rules-language.md）"),
    )
    documents_text = forms.CharField(
        label=_("持ち物（1行に1つ）"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    documents_en_text = forms.CharField(
        label=_("英語の持ち物（日本語と同じ行に）"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    documents_easy_text = forms.CharField(
        label=_("やさしい日本語の持ち物（日本語と同じ行に）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reference_url = forms.URLField(
        label=_("根拠のURL"), required=False, assume_scheme="https", max_length=300
    )
    after_text = forms.CharField(label=_("先に行う手続のコード（空白区切り）"), required=False)

    class Meta:
        model = Procedure
        fields = [
            "code",
            *(f for f in PROCEDURE_FIELDS if f not in {"rules", "documents", "after", "source_file"}),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["rules_text"] = yaml.safe_dump(
                self.instance.rules, allow_unicode=True, sort_keys=False
            )
            (
                self.initial["documents_text"],
                self.initial["documents_en_text"],
                self.initial["documents_easy_text"],
            ) = document_lines(self.instance.documents)
            self.initial["after_text"] = " ".join(self.instance.after)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            rules = yaml.safe_load(data.get("rules_text") or "")
        except yaml.YAMLError as error:
            self.add_error("rules_text", _("YAMLとして読めません: %(error)s") % {"error": error})
            return data
        data["rules"] = rules
        data["documents"], messages = documents_from_lines(
            data.get("documents_text") or "",
            data.get("documents_en_text") or "",
            data.get("documents_easy_text") or "",
        )
        for area, message in messages.items():
            self.add_error(f"{area}_text", message)
        data["after"] = (data.get("after_text") or "").split()
        if self.errors:
            return data
        self._validate_with_engine(data)
        return data

    def _validate_with_engine(self, data: dict[str, Any]) -> None:
        candidate = Procedure(
            **{k: v for k, v in data.items() if k in {f.name for f in Procedure._meta.fields}}
        )
        candidate.code = data.get("code") or self.instance.code
        candidate.rules, candidate.documents, candidate.after = (
            data["rules"],
            data["documents"],
            data["after"],
        )
        others = (
            Procedure.objects.filter(active=True).exclude(pk=self.instance.pk).select_related("department")
        )
        specs = [procedure_spec(row) for row in others]
        specs.append(procedure_spec(candidate))
        try:
            catalog_from_data(meta_spec("check"), specs, "admin")
        except CatalogError as error:
            self.add_error("rules_text", error.reason)

    def save(self, commit: bool = True) -> Procedure:
        self.instance.rules = self.cleaned_data["rules"]
        self.instance.documents = self.cleaned_data["documents"]
        self.instance.after = self.cleaned_data["after"]
        return super().save(commit)


@admin.register(Procedure)
class ProcedureAdmin(CapabilityModelAdmin):
    capability = EDIT_CATALOG
    form = ProcedureForm
    list_display = ["code", "name_ja", "department", "counter", "order", "active"]
    list_filter = ["department", "counter", "active"]
    search_fields = ["code", "name_ja", "name_en"]
    readonly_fields = ["source_file"]

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            bump_version()
