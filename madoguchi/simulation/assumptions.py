"""The model's assumptions named as a manager reads them, for the report's sensitivity chart and text."""

from django.utils.translation import gettext_lazy as _

# simulator.sensitivity.RANGES names the parameters; every one has its label here (a test checks it).
PARAMETER_LABELS = {
    "handwritten_entry_seconds": _("手書き1項目の秒数"),
    "catalog_factor": _("手続の窓口時間（カタログ）"),
    "counter_call": _("呼出し・本人確認の時間"),
    "one_stop_factor": _("総合窓口に残る作業の割合"),
    "interview": _("総合窓口の聞き取り時間"),
    "form_review": _("印字した申請書の説明時間"),
    "prefilled_factor": _("印字した申請書で残る作業の割合"),
    "processing_factor": _("当日交付物の処理の割合"),
    "walk_between_counters": _("窓口間の移動時間"),
    "walk_from_entrance": _("入口からの移動時間"),
    "concierge": _("コンシェルジュの時間"),
    "signature_seconds": _("署名の秒数"),
    "service_cv": _("窓口時間のばらつき"),
    "writing_cv": _("記入の速さのばらつき"),
    "errand_load": _("各課だけの用件の来庁者数"),
}
