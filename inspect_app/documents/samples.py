"""Example contexts of each document: the placeholders a template may use, with values.

An uploaded template is rendered with every sample of its kind before it is accepted, so a
field that does not exist, or a loop over something that is not a list, is refused then
rather than when a user downloads a document. A test keeps these keys equal to the real
contexts' keys.
"""

from __future__ import annotations

import copy

_DECISION = {
    "number": "728/QĐ-UBND",
    "signed_on": "20/04/2017",
    "issuer": "UBND tỉnh Quảng Ngãi",
    "summary": "phê duyệt Kế hoạch kiểm tra năm 2017",
}
_AGENCY = {"name": "UBND xã Tịnh Khê", "code": "XA-TINHKHE", "address": "xã Tịnh Khê"}
_PERSON = {
    "title": "Ông",
    "name": "Nguyễn Văn A",
    "position": "Phó Chi cục trưởng Chi cục Tiêu chuẩn Đo lường Chất lượng",
    "role": "Trưởng đoàn",
}
_COUNTS = {
    "code": "A",
    "title": "Tài liệu của hệ thống",
    "total": 10,
    "unanswered": 1,
    "conform": 6,
    "nonconform": 1,
    "observation": 1,
    "not_applicable": 1,
}

FULL: dict[str, dict] = {
    "record": {
        "date_text": "ngày 05 tháng 6 năm 2020",
        "number": "12/BB-KT",
        "standard": "TCVN ISO 9001:2015",
        "agency": _AGENCY,
        "decision": _DECISION,
        "amending_decision": _DECISION,
        "plan": {"year": 2020, "title": "kế hoạch kiểm tra năm 2020"},
        "inspection": {"day": "05/06/2020", "mode": "kiểm tra tại trụ sở cơ quan"},
        "team": [_PERSON],
        "representatives": ["Ông Trần Văn B - Chủ tịch UBND xã"],
        "groups": [_COUNTS],
        "total": _COUNTS,
        "findings": [
            {
                "number": 1,
                "requirement": "7.5",
                "description": "Chưa cập nhật quy trình",
                "severity": "Không phù hợp nhẹ",
                "corrective_action": "Cập nhật quy trình",
                "due_on": "30/06/2020",
            }
        ],
        "conclusion": {"label": "Đạt yêu cầu", "summary": "Hệ thống được duy trì."},
        "agency_signer": "Ông Trần Văn B - Chủ tịch UBND xã",
        "lead_name": "Nguyễn Văn A",
        "lead_title": "Ông",
    },
    "notice": {
        "date_text": "ngày 05 tháng 3 năm 2026",
        "dossier": True,
        "standard": "TCVN ISO 9001:2015",
        "agency": _AGENCY,
        "decision": _DECISION,
        "plan": {"year": 2026, "title": "kế hoạch kiểm tra năm 2026"},
        "inspection": {
            "mode": "kiểm tra thông qua hồ sơ và báo cáo",
            "window": "từ ngày 01/04/2026 đến ngày 30/04/2026",
            "dossier_due": "15/04/2026",
        },
        "team": [_PERSON],
        "requested": ["Báo cáo tình hình áp dụng HTQLCL;"],
        "lead_name": "Nguyễn Văn A",
        "lead_title": "Ông",
    },
    "annex": {
        "date_text": "ngày 20 tháng 4 năm 2017",
        "plan": {"year": 2017, "title": "Kế hoạch kiểm tra năm 2017"},
        "decision": _DECISION,
        "rows": [
            {
                "number": 1,
                "agency": "UBND xã Tịnh Khê",
                "mode": "Kiểm tra tại trụ sở cơ quan",
                "time": "01/06/2017",
                "team": "Nguyễn Văn A (Trưởng đoàn)",
            }
        ],
        "on_site": 1,
        "dossier": 0,
    },
    "report": {
        "date_text": "ngày 10 tháng 01 năm 2021",
        "period": "giai đoạn 2017 - 2020",
        "first": 2017,
        "last": 2020,
        "inspection_text": "Trong giai đoạn 2017 - 2020, thực hiện kiểm tra …",
        "training_text": "Trong giai đoạn 2017 - 2020, tổ chức 08 khóa đào tạo …",
        "years": [{"year": 2017, "inspected": 36, "on_site": 10, "dossier": 26}],
        "total": {"inspected": 36, "on_site": 10, "dossier": 26},
        "training": [
            {"kind": "Duy trì, cải tiến", "courses": 4, "participants": 120, "attended": 110}
        ],
        "training_total": {"courses": 4, "participants": 120, "attended": 110},
        "conformity_text": "Tính đến ngày 31/12/2020, …",
        "coverage": [{"level": "Cấp tỉnh", "announced": 20, "total": 20, "percent": "100,0%"}],
        "problems": ["Có 02 điểm không phù hợp đã quá thời hạn khắc phục."],
        "overdue_count": 1,
        "overdue": [
            {
                "number": 1,
                "agency": "UBND xã Tịnh Khê",
                "year": 2020,
                "requirement": "7.5",
                "severity": "Không phù hợp nhẹ",
                "due_on": "30/06/2020",
            }
        ],
    },
}

#: the values that may be empty or missing in real data: no decision, no rows, no team.
_EMPTY: dict[str, dict] = {
    "record": {
        "decision": None,
        "amending_decision": None,
        "team": [],
        "representatives": [],
        "groups": [],
        "findings": [],
        "conclusion": None,
        "agency_signer": "",
        "lead_name": "",
        "lead_title": "",
    },
    "notice": {
        "dossier": False,
        "decision": None,
        "team": [],
        "requested": [],
        "lead_name": "",
        "lead_title": "",
    },
    "annex": {"decision": None, "rows": [], "on_site": 0, "dossier": 0},
    "report": {"years": [], "coverage": [], "problems": [], "overdue": [], "overdue_count": 0},
}


def sample_contexts(kind: str) -> list[dict]:
    """A full example of `kind`'s context, then the same with everything optional left empty."""
    full = copy.deepcopy(FULL[kind])
    return [full, {**copy.deepcopy(full), **_EMPTY[kind]}]


def placeholder_names(kind: str) -> list[str]:
    """The fields a template of `kind` may use, as `name`, `name.key` or `name[].key`."""
    names: list[str] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            walk(prefix + "[]", value[0])
        else:
            names.append(prefix)

    walk("", FULL[kind])
    return names
