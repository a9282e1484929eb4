"""Every generic door Odoo opens, as every actor, against every protected thing.

R-9.b (archived content only under the leader's grant, trade secrets never
leak) and R-5.2.1 (window and portal isolation), tested the way an attacker
would try: through ``call_kw``, ``/json/2``, ``/web/content``, ``/web/image``,
the mail routes, the report routes and the exports, each as staff of two
windows, the leader, the coordination department, two providers, two
enterprises and an anonymous visitor. Every protected thing carries a marker;
no marker may reach an actor outside its readers, and each door shows one
marker to an actor who may see it (so that a door that answers nothing at all
cannot pass).

Adding an actor, a secret or a door is one line in ACTORS, SECRETS or DOORS.
"""

import base64
import json
from datetime import datetime, timedelta

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.qi_catalogue.tools.validation import make_uscc

from .generic_doors import Actor, Door, Secret, png, readable

QUIET = (
    "odoo.http",
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    "odoo.addons.web.controllers.export",
    "odoo.addons.base.models.ir_attachment",
    "odoo.addons.rpc.controllers.json2",
    "odoo.sql_db",
    "werkzeug",
)
INTERNAL = frozenset({"staff_a", "staff_b", "leader", "coordinator"})

# the internal users may export (base.group_allow_export), so that the export doors are tried
ACTORS = [
    Actor("staff_a", "qi_window.group_qi_user,base.group_allow_export", window="a", home="case_a"),
    Actor("staff_b", "qi_window.group_qi_user,base.group_allow_export", window="b", home="case_b"),
    Actor("leader", "qi_window.group_qi_manager,base.group_allow_export", home="case_a"),
    Actor("coordinator", "qi_window.group_qi_coordinator,base.group_allow_export", home="case_b"),
    Actor("p1", "base.group_portal", company="p1", home="assignment_p1"),
    Actor("p2", "base.group_portal", company="p2", home="assignment_p2"),
    Actor("e1", "base.group_portal", company="e1", home="case_a"),
    Actor("e2", "base.group_portal", company="e2", home="case_b"),
    Actor("anonymous", None, home="case_a"),
]


def _readers(*keys):
    return frozenset(keys)


SECRETS = [
    # case A (window A, enterprise E1, provider P1): subject and description
    Secret("case_a", _readers("staff_a", "leader", "coordinator", "e1", "p1")),
    Secret("case_b", _readers("staff_b", "leader", "coordinator", "e2", "p2")),
    # internal notes and the files attached to them: the organisation only
    Secret("note_a_body", _readers("staff_a", "leader", "coordinator")),
    Secret("note_a_file", _readers("staff_a", "leader", "coordinator")),
    Secret("note_b_body", _readers("staff_b", "leader", "coordinator")),
    Secret("note_b_file", _readers("staff_b", "leader", "coordinator")),
    # a provider's certificate: its own users and the organisation
    Secret("cert_p1", INTERNAL | {"p1"}),
    Secret("cert_p2", INTERNAL | {"p2"}),
    # the administrator's private file (no record): nobody here
    Secret("admin_private", _readers()),
    # an archived trade secret's file (archive copy and the source's live file):
    # only the holder of a grant (staff A) reads it
    Secret("archived_file", _readers("staff_a")),
    # the archived source's internal note: readable in its chatter, but the
    # source's reports and files fall under the grant (see ARCHIVED below)
    Secret("source_note", _readers("staff_a", "leader", "coordinator")),
    # who rated staff A: the leader and the coordination department decide
    # bad reviews; the rated staff never learn it (E1's own colleague may)
    Secret("rater", _readers("leader", "coordinator", "e1")),
    # a follower of case B only: what case B is about stays in window B
    Secret("follower_b", _readers("staff_b", "leader", "coordinator", "e2", "p2")),
    # who may land a message or a file on a thread (/mail/message/post, upload)
    Secret("landed_case_a", _readers("staff_a", "leader", "coordinator", "e1")),
    Secret("landed_case_b", _readers("staff_b", "leader", "coordinator", "e2")),
]
SECRET = {secret.key: secret for secret in SECRETS}
# at the doors to files and reports, an archived source is under the grant rule
ARCHIVED = {"source_note": _readers("staff_a")}

# the records the call_kw doors probe: model, fixture key of the ids, fields, group by
TARGETS = [
    ("qi.case", "cases", ("name", "subject", "description"), "subject"),
    ("mail.message", "messages", ("body", "author_id", "record_name"), "author_id"),
    ("ir.attachment", "attachments", ("name", "datas"), None),
    ("qi.provider.qualification", "qualifications", ("number", "certificate_file"), None),
    ("qi.case.rating", "ratings", ("create_uid", "write_uid"), "create_uid"),
    ("qi.case.rating", "ratings", ("partner_id",), "partner_id"),
    ("mail.followers", "followers", ("partner_id", "name"), "partner_id"),
]
COPIED = ("qi.case", "ir.attachment", "qi.provider.qualification")
THREADS = ("case_a", "case_b", "case_s", "case_r", "rating", "assignment_p1", "assignment_p2")
POSTED_ON = ("case_a", "case_b")


# ----------------------------------------------------------------------
# the doors
# ----------------------------------------------------------------------
def _each_target(case, per_id=True):
    for model, ids_key, fields, groupby in TARGETS:
        ids = case.ids[ids_key]
        if per_id:
            for record_id in ids:
                yield model, [record_id], fields, groupby
        else:
            yield model, ids, fields, groupby


def _call_kw(method, make_args):
    def fetch(case, actor):
        answers = []
        for model, ids, fields, groupby in _each_target(case, per_id=method in ("read", "web_read", "export_data")):
            call = make_args(case, model, ids, fields, groupby)
            if call is None:
                continue
            args, kwargs = call
            answers.append((f"{model}.{method}({ids})", case.call_kw(model, method, args, kwargs)))
        return answers

    return fetch


def _spec(case, model, fields):
    Model = case.env[model]
    return {
        name: {"fields": {"display_name": {}}}
        if Model._fields[name].type in ("many2one", "many2many", "one2many")
        else {}
        for name in fields
    }


def _copy(case, actor):
    answers = []
    for model, ids, fields, _groupby in _each_target(case):
        if model not in COPIED:
            continue
        answer = case.call_kw(model, "copy", [ids])
        answers.append((f"{model}.copy({ids})", answer))
        try:
            new_ids = json.loads(answer).get("result") or []
        except ValueError:
            new_ids = []
        if new_ids:
            answers.append((f"{model}.read(copy of {ids})", case.call_kw(model, "read", [new_ids, list(fields)])))
    return answers


def _json2(method):
    def fetch(case, actor):
        answers = []
        for model, ids, fields, _groupby in _each_target(case, per_id=method == "read"):
            body = (
                {"ids": ids, "fields": list(fields)}
                if method == "read"
                else {"domain": [("id", "in", ids)], "fields": list(fields)}
            )
            headers = {"Content-Type": "application/json"}
            if case.api_keys.get(actor.key):
                headers["Authorization"] = f"Bearer {case.api_keys[actor.key]}"
            answers.append(
                (
                    f"/json/2/{model}/{method} {ids}",
                    case.request(f"/json/2/{model}/{method}", data=json.dumps(body), headers=headers),
                )
            )
        return answers

    return fetch


def _attachment_urls(case):
    for attachment_id in case.ids["attachments"]:
        token = case.tokens.get(attachment_id, "not-the-token")
        yield attachment_id, token


def _content(form):
    def fetch(case, actor):
        answers = []
        for attachment_id, token in _attachment_urls(case):
            url = form.format(id=attachment_id, token=token)
            answers.append((url, case.request(url)))
        if "{id}" in form and "ir.attachment" in form:
            for qualification_id in case.ids["qualifications"]:
                url = form.replace("ir.attachment", "qi.provider.qualification").replace("datas", "certificate_file")
                url = url.format(id=qualification_id, token="not-the-token")
                answers.append((url, case.request(url)))
        return answers

    return fetch


def _zip(case, actor):
    return [
        (
            f"/mail/attachment/zip {attachment_id}",
            case.request(
                "/mail/attachment/zip",
                data={
                    "file_ids": str(attachment_id),
                    "zip_name": "files.zip",
                    "csrf_token": http.Request.csrf_token(case),
                },
            ),
        )
        for attachment_id in case.ids["attachments"]
    ]


def _thread_data(case, actor):
    answers = []
    for key in THREADS:
        model, res_id = case.threads[key]
        params = {
            "fetch_params": [
                [
                    "mail.thread",
                    {
                        "thread_model": model,
                        "thread_id": res_id,
                        "request_list": [
                            "activities",
                            "attachments",
                            "followers",
                            "scheduledMessages",
                            "suggestedRecipients",
                            "contact_fields",
                            "display_name",
                        ],
                    },
                ]
            ]
        }
        answers.append((f"/mail/data mail.thread {key}", case.jsonrpc("/mail/data", params)))
    return answers


def _thread_messages(case, actor):
    answers = []
    for key in THREADS:
        model, res_id = case.threads[key]
        answers.append(
            (
                f"/mail/thread/messages {key}",
                case.jsonrpc(
                    "/mail/thread/messages",
                    {"thread_model": model, "thread_id": res_id, "fetch_params": {"limit": 200}},
                ),
            )
        )
    return answers


def _landed(case, key, model, domain):
    """The thread's landing marker when the attempt left a record of ``model`` on it."""
    thread_model, res_id = case.threads[key]
    link = "model" if model == "mail.message" else "res_model"
    found = case.env[model].sudo().search_count([*domain, (link, "=", thread_model), ("res_id", "=", res_id)])
    return SECRET[f"landed_{key}"].marker.encode() if found else b""


def _post(case, actor):
    answers = []
    for key in POSTED_ON:
        model, res_id = case.threads[key]
        body = f"posted by {actor.key} on {key}"
        answers.append(
            (
                f"/mail/message/post {key}",
                case.jsonrpc(
                    "/mail/message/post",
                    {
                        "thread_model": model,
                        "thread_id": res_id,
                        "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
                    },
                ),
            )
        )
        answers.append((f"landed on {key}", _landed(case, key, "mail.message", [("body", "ilike", body)])))
    # someone else's file, named in a post on the actor's own thread: once
    # posted, the file must still be closed to whoever could not open it
    model, res_id = case.threads[actor.home]
    for attachment_id in case.ids["attachments"]:
        answer = case.jsonrpc(
            "/mail/message/post",
            {
                "thread_model": model,
                "thread_id": res_id,
                "post_data": {"body": "see the file", "message_type": "comment", "attachment_ids": [attachment_id]},
            },
        )
        answers.append((f"/mail/message/post {actor.home} with file {attachment_id}", answer))
        if b'"result"' in answer:
            url = f"/web/content/{attachment_id}?download=true"
            answers.append((f"after posting: {url}", case.request(url)))
    return answers


def _upload(case, actor):
    answers = []
    for key in POSTED_ON:
        model, res_id = case.threads[key]
        name = f"upload-{actor.key}-{key}.png"
        data = {"thread_model": model, "thread_id": str(res_id), "csrf_token": http.Request.csrf_token(case)}
        answers.append(
            (
                f"/mail/attachment/upload {key}",
                case.request("/mail/attachment/upload", data=data, files={"ufile": (name, png(name), "image/png")}),
            )
        )
        answers.append((f"landed on {key}", _landed(case, key, "ir.attachment", [("name", "=", name)])))
    return answers


def _report(kind, reports, cases):
    def fetch(case, actor):
        return [
            (
                f"/report/{kind}/{report}/{key}",
                case.request(f"/report/{kind}/{report}/{case.threads[key][1]}", follow=True),
            )
            for report in reports
            for key in cases
        ]

    return fetch


def _export(kind):
    def fetch(case, actor):
        answers = []
        for model, ids, fields, _groupby in _each_target(case, per_id=False):
            data = {
                "model": model,
                "fields": [{"name": name, "label": name} for name in fields],
                "ids": False,
                "domain": [("id", "in", ids)],
                "import_compat": False,
            }
            answers.append(
                (
                    f"/web/export/{kind} {model}",
                    case.request(
                        f"/web/export/{kind}",
                        data={"data": json.dumps(data), "csrf_token": http.Request.csrf_token(case)},
                    ),
                )
            )
        return answers

    return fetch


SUMMARY = "qi_case.report_qi_case_summary"
SOURCE = "qi_archive.report_source_document"
DOORS = [
    Door(
        "call_kw read",
        _call_kw("read", lambda c, m, ids, f, g: ([ids, list(f)], {})),
        positive=(("staff_a", "note_a_body"), ("p1", "cert_p1"), ("leader", "rater")),
    ),
    Door(
        "call_kw search_read",
        _call_kw("search_read", lambda c, m, ids, f, g: ([], {"domain": [("id", "in", ids)], "fields": list(f)})),
        positive=(("staff_b", "note_b_body"), ("staff_b", "follower_b")),
    ),
    Door(
        "call_kw web_read",
        _call_kw("web_read", lambda c, m, ids, f, g: ([ids], {"specification": _spec(c, m, f)})),
        positive=(("staff_a", "case_a"), ("coordinator", "rater")),
    ),
    Door(
        "call_kw web_search_read",
        _call_kw(
            "web_search_read",
            lambda c, m, ids, f, g: ([], {"domain": [("id", "in", ids)], "specification": _spec(c, m, f)}),
        ),
        positive=(("staff_a", "note_a_file"), ("e1", "case_a")),
    ),
    Door(
        "call_kw read_group",
        _call_kw(
            "read_group",
            lambda c, m, ids, f, g: (
                g and ([], {"domain": [("id", "in", ids)], "fields": [], "groupby": [g], "lazy": False})
            ),
        ),
        positive=(("staff_a", "case_a"), ("leader", "rater")),
    ),
    Door(
        "call_kw formatted_read_group",
        _call_kw(
            "formatted_read_group",
            lambda c, m, ids, f, g: (
                g and ([], {"domain": [("id", "in", ids)], "groupby": [g], "aggregates": ["__count"]})
            ),
        ),
        positive=(("staff_b", "case_b"), ("leader", "rater")),
    ),
    Door(
        "call_kw web_read_group",
        _call_kw(
            "web_read_group",
            lambda c, m, ids, f, g: (
                g
                and (
                    [],
                    {
                        "domain": [("id", "in", ids)],
                        "groupby": [g],
                        "aggregates": ["__count"],
                        "auto_unfold": True,
                        "unfold_read_specification": _spec(c, m, f),
                    },
                )
            ),
        ),
        positive=(("staff_a", "note_a_body"), ("coordinator", "rater")),
    ),
    Door(
        "call_kw name_search",
        _call_kw(
            "name_search", lambda c, m, ids, f, g: ([], {"name": "", "domain": [("id", "in", ids)], "limit": 100})
        ),
        positive=(("staff_b", "follower_b"),),
    ),
    Door(
        "call_kw export_data",
        _call_kw("export_data", lambda c, m, ids, f, g: ([ids, list(f)], {})),
        positive=(("staff_a", "case_a"), ("leader", "rater")),
    ),
    Door("call_kw copy", _copy, mutates=True, positive=(("staff_a", "case_a"), ("leader", "note_a_file"))),
    Door("/json/2 read", _json2("read"), positive=(("staff_a", "note_a_body"), ("p1", "cert_p1"))),
    Door("/json/2 search_read", _json2("search_read"), positive=(("staff_b", "note_b_file"),)),
    Door(
        "/web/content/<id>",
        _content("/web/content/{id}"),
        readers=ARCHIVED,
        positive=(("staff_a", "note_a_file"), ("staff_a", "archived_file")),
    ),
    Door(
        "/web/content/<id>/<filename>",
        _content("/web/content/{id}/file.png"),
        readers=ARCHIVED,
        positive=(("staff_b", "note_b_file"),),
    ),
    Door(
        "/web/content/<model>/<id>/<field>",
        _content("/web/content/ir.attachment/{id}/datas"),
        readers=ARCHIVED,
        positive=(("staff_a", "note_a_file"), ("p1", "cert_p1")),
    ),
    Door(
        "/web/content?model=&id=&field=",
        _content("/web/content?model=ir.attachment&id={id}&field=datas"),
        readers=ARCHIVED,
        positive=(("leader", "note_b_file"),),
    ),
    Door(
        "/web/content/<id>?access_token=",
        _content("/web/content/{id}?access_token={token}&download=true"),
        readers=ARCHIVED,
        positive=(("staff_a", "archived_file"),),
    ),
    Door("/web/image/<id>", _content("/web/image/{id}"), readers=ARCHIVED, positive=(("staff_a", "note_a_file"),)),
    Door(
        "/web/image/<model>/<id>/<field>",
        _content("/web/image/ir.attachment/{id}/datas"),
        readers=ARCHIVED,
        positive=(("p2", "cert_p2"),),
    ),
    Door("/mail/attachment/zip", _zip, readers=ARCHIVED, positive=(("staff_a", "note_a_file"),)),
    Door("/mail/data mail.thread", _thread_data, positive=(("staff_b", "follower_b"),)),
    Door("/mail/thread/messages", _thread_messages, positive=(("staff_a", "note_a_body"), ("leader", "source_note"))),
    Door(
        "/mail/message/post",
        _post,
        mutates=True,
        readers=ARCHIVED,
        positive=(("staff_a", "landed_case_a"), ("e2", "landed_case_b")),
    ),
    Door(
        "/mail/attachment/upload",
        _upload,
        mutates=True,
        positive=(("staff_b", "landed_case_b"), ("e1", "landed_case_a")),
    ),
    Door(
        "/report/html",
        _report("html", (SUMMARY, SOURCE), ("case_a", "case_b", "case_s", "case_r")),
        readers=ARCHIVED,
        positive=(("staff_a", "note_a_body"), ("staff_a", "source_note"), ("staff_b", "case_b")),
    ),
    Door(
        "/report/pdf",
        _report("pdf", (SOURCE,), ("case_a", "case_s")),
        readers=ARCHIVED,
        positive=(("leader", "note_a_body"), ("staff_a", "source_note")),
    ),
    Door("/web/export/csv", _export("csv"), positive=(("staff_a", "case_a"), ("leader", "rater"))),
    Door("/web/export/xlsx", _export("xlsx"), positive=(("staff_b", "case_b"), ("coordinator", "rater"))),
]


@tagged("post_install", "-at_install")
class TestGenericDoors(HttpCase):
    """R-9.b: no marker reaches an actor outside its readers, by any door."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        M = {key: secret.marker for key, secret in SECRET.items()}
        # partners and users without creation messages: every internal user reads
        # contacts; what must stay hidden is their link to a case or a rating
        quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
        Partner = quiet["res.partner"]
        cls.companies = {
            "e1": Partner.create({"name": "Doors Glass Co.", "is_company": True}),
            "e2": Partner.create({"name": "Doors Steel Works", "is_company": True}),
        }
        for key, base17 in (("p1", "91130300MA07GD001"), ("p2", "91130300MA07GD002")):
            cls.companies[key] = Partner.create(
                {
                    "name": f"Doors Lab {key}",
                    "is_company": True,
                    "is_qi_provider": True,
                    "qi_uscc": make_uscc(base17),
                }
            )
        cls.users, cls.passwords = {}, {}
        for actor in ACTORS:
            if not actor.groups:
                continue
            password = f"{actor.key}-Doors-2026"
            user = new_test_user(
                quiet,
                f"doors_{actor.key}",
                groups=actor.groups,
                password=password,
                name=f"Doors {actor.key}",
                lang="zh_CN",
                tz="Asia/Shanghai",
            )
            if actor.company:
                user.partner_id.parent_id = cls.companies[actor.company]
            cls.users[actor.key], cls.passwords[actor.key] = user, password
        users = cls.users
        windows = {}
        for key in ("a", "b"):
            windows[key] = env["qi.window"].create(
                {
                    "name": f"Doors Window {key}",
                    "code": f"DOORS-{key}",
                    "leader_id": users["leader"].id,
                    "staff_ids": [Command.create({"user_id": users[a.key].id}) for a in ACTORS if a.window == key],
                }
            )
        category = env["qi.service.category"].create({"name": "Doors Metrology", "code": "DOORS-M"})
        item = env["qi.service.item"].create(
            {
                "name": "Doors calibration",
                "code": "DOORS-1",
                "category_id": category.id,
                "time_limit_days": 10,
            }
        )
        Attachment = env["ir.attachment"]

        def case(window, company, staff, provider, subject, description="<p>Service record</p>"):
            record = (
                env["qi.case"]
                .with_user(staff)
                .create(
                    {
                        "subject": subject,
                        "description": description,
                        "partner_id": cls.companies[company].id,
                        "window_id": windows[window].id,
                        "user_id": staff.id,
                        "channel": "walk_in",
                        "item_ids": [Command.set(item.ids)],
                        "date_received": datetime(2026, 11, 2, 2, 0),
                    }
                )
            )
            record.action_accept()
            assignment = (
                env["qi.case.assignment"]
                .with_user(staff)
                .create({"case_id": record.id, "provider_id": cls.companies[provider].id, "item_id": item.id})
            )
            return record, assignment

        def finish(record, assignment):
            assignment.action_accept()
            record.action_start_service()
            assignment.action_start()
            assignment.action_deliver()
            record.action_complete()

        def note(record, staff, body_marker, file_marker=None):
            attachment = file_marker and Attachment.with_user(staff).create(
                {"name": "review.png", "raw": png(file_marker), "res_model": "qi.case", "res_id": record.id}
            )
            return record.with_user(staff).message_post(
                body=f"Internal review {body_marker}",
                attachment_ids=attachment and attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            ), attachment

        staff_a, staff_b = users["staff_a"], users["staff_b"]
        case_a, assignment_p1 = case("a", "e1", staff_a, "p1", f"Gauges {M['case_a']}", f"<p>{M['case_a']}</p>")
        case_b, assignment_p2 = case("b", "e2", staff_b, "p2", f"Boilers {M['case_b']}", f"<p>{M['case_b']}</p>")
        note_a, note_a_file = note(case_a, staff_a, M["note_a_body"], M["note_a_file"])
        note_b, note_b_file = note(case_b, staff_b, M["note_b_body"], M["note_b_file"])
        follower = Partner.create({"name": f"Follower {M['follower_b']}", "email": "follower.b@doors.example.cn"})
        case_b.message_subscribe(partner_ids=follower.ids)

        Qualification = env["qi.provider.qualification"]
        qualifications = Qualification
        for key in ("p1", "p2"):
            qualifications |= Qualification.create(
                {
                    "provider_id": cls.companies[key].id,
                    "qualification_type": "cnas_lab",
                    "number": f"CNAS {key}",
                    "certificate_file": base64.b64encode(png(M[f"cert_{key}"])),
                    "certificate_filename": "certificate.png",
                }
            )
        cert_files = Attachment.sudo().search(
            [
                ("res_model", "=", "qi.provider.qualification"),
                ("res_id", "in", qualifications.ids),
                ("res_field", "=", "certificate_file"),
            ]
        )
        admin_file = Attachment.with_user(env.ref("base.user_admin")).create(
            {"name": "admin-private.png", "raw": png(M["admin_private"])}
        )

        # a trade secret, archived from a closed case of window A; staff A holds a grant
        case_s, assignment_s = case("a", "e1", staff_a, "p1", "Valve calibration record")
        finish(case_s, assignment_s)
        case_s.action_close()
        source_file = Attachment.with_user(staff_a).create(
            {"name": "valve-drawing.png", "raw": png(M["archived_file"]), "res_model": "qi.case", "res_id": case_s.id}
        )
        note_s, _none = note(case_s, staff_a, M["source_note"])
        record = env["qi.archive.record"].with_user(staff_a)._qi_archive_source(case_s, confidentiality="trade_secret")
        request = (
            env["qi.archive.access.request"]
            .with_user(staff_a)
            .create({"record_ids": [Command.set(record.ids)], "reason": "Complaint review of the valve record"})
        )
        request.action_submit()
        env["qi.archive.access.decision.wizard"].with_user(users["leader"]).create(
            {"request_id": request.id}
        ).action_approve()
        archived_files = Attachment.sudo().search([("res_model", "=", "qi.archive.record"), ("res_id", "=", record.id)])
        # real tokens on the archived files and their source: a token never replaces the grant
        # sudo: the fixture gives the files a token, as a share link made before archiving would
        tokened = (archived_files | source_file).sudo().with_context(qi_archive_internal=True)
        cls.tokens = dict(zip(tokened.ids, tokened.generate_access_token(), strict=True))

        # a rating of staff A's case, given by an enterprise user through the portal's sudo path
        case_r, assignment_r = case("a", "e1", staff_a, "p1", "Pressure gauge check")
        finish(case_r, assignment_r)
        rater = new_test_user(
            quiet,
            "doors_rater",
            groups="base.group_portal",
            name=f"Rater {M['rater']}",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        rater.partner_id.parent_id = cls.companies["e1"]
        rating = env["qi.case.rating"].with_user(rater).sudo()._rate(case_r, rater.partner_id, "2", comment="Slow")
        # a bad review followed up to its outcome, so that the follow-up's messages, activities and
        # followers are behind the doors too: callback, the staff's appeal rejected, the explanation
        follow_up = rating.with_user(users["leader"])
        follow_up.action_callback_done()
        rating.with_user(staff_a).action_appeal("Rated the wrong step")
        follow_up.action_appeal_reject()
        follow_up.action_record_outcome("explained", explanation="No legal basis for a second calibration")

        rater = rater.with_env(env)
        cls.threads = {
            "case_a": ("qi.case", case_a.id),
            "case_b": ("qi.case", case_b.id),
            "case_s": ("qi.case", case_s.id),
            "case_r": ("qi.case", case_r.id),
            "rating": ("qi.case.rating", rating.id),
            "assignment_p1": ("qi.case.assignment", assignment_p1.id),
            "assignment_p2": ("qi.case.assignment", assignment_p2.id),
        }
        cases = case_a | case_b | case_s | case_r
        Message = env["mail.message"]
        messages = (
            note_a | note_b | note_s | Message.search([("model", "=", "qi.case.rating"), ("res_id", "=", rating.id)])
        )
        followers = env["mail.followers"].search(
            [
                "|",
                "&",
                ("res_model", "=", "qi.case"),
                ("res_id", "=", case_b.id),
                "&",
                ("res_model", "=", "qi.case.rating"),
                ("res_id", "=", rating.id),
            ]
        )
        cls.ids = {
            "cases": cases.ids,
            "messages": messages.ids,
            "followers": followers.ids,
            "ratings": rating.ids,
            "qualifications": qualifications.ids,
            "attachments": (note_a_file | note_b_file | cert_files | admin_file | source_file | archived_files).ids,
        }
        cls.api_keys = {
            key: env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate("rpc", "doors", datetime.now() + timedelta(days=1))
            for key, user in users.items()
        }

    # ------------------------------------------------------------------
    # requests, as the logged-in actor
    # ------------------------------------------------------------------
    def request(self, url, data=None, files=None, headers=None, follow=False):
        with mute_logger(*QUIET):
            response = self.url_open(url, data=data, files=files, headers=headers, allow_redirects=follow, timeout=60)
        return response.content

    def jsonrpc(self, route, params):
        with mute_logger(*QUIET):
            response = self.url_open(
                route,
                json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params},
                allow_redirects=False,
                timeout=60,
            )
        return response.content

    def call_kw(self, model, method, args, kwargs=None):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _login(self, actor):
        if actor.groups:
            self.authenticate(self.users[actor.key].login, self.passwords[actor.key])
        else:
            self.authenticate(None, None)

    def _open_all(self):
        """{(door, actor): [(label, readable text)]}, each actor logged in once."""
        seen = {}
        for actor in ACTORS:
            self._login(actor)
            for door in DOORS:
                savepoint = self.env.cr.savepoint() if door.mutates else None
                try:
                    answers = door.fetch(self, actor)
                finally:
                    if savepoint:
                        savepoint.close(rollback=True)
                        self.env.invalidate_all()
                seen[door.name, actor.key] = [(label, readable(body)) for label, body in answers]
        return seen

    def test_no_marker_reaches_an_actor_outside_its_readers(self):
        seen = self._open_all()
        for door in DOORS:
            for actor in ACTORS:
                answers = seen[door.name, actor.key]
                with self.subTest(door=door.name, actor=actor.key):
                    leaks = [
                        f"{secret.key} in {label}"
                        for secret in SECRETS
                        if actor.key not in door.readers.get(secret.key, secret.readers)
                        for label, text in answers
                        if secret.marker.encode() in text
                    ]
                    self.assertFalse(leaks, f"{actor.key} got what is not theirs through {door.name}")
            for actor_key, secret_key in door.positive:
                with self.subTest(door=door.name, may_see=f"{actor_key}:{secret_key}"):
                    marker = SECRET[secret_key].marker.encode()
                    self.assertTrue(
                        any(marker in text for _label, text in seen[door.name, actor_key]),
                        f"{actor_key} may see {secret_key} but {door.name} did not show it: the door answered nothing",
                    )

    def test_a_copy_of_an_archived_file_stays_under_the_grant(self):
        """R-9.b: copying archived content by the holder of a grant (as it is,
        as a private file, onto a case) leaves nothing readable once the grant
        is over."""
        self._login(ACTORS[0])  # staff A, the holder of the grant
        marker = SECRET["archived_file"].marker.encode()
        # sudo: the test picks the archived copy that carries the marker
        archived = (
            self.env["ir.attachment"]
            .sudo()
            .browse(self.ids["attachments"])
            .filtered(lambda a: a.res_model == "qi.archive.record" and marker in (a.raw or b""))
        )
        self.assertEqual(len(archived), 1)
        # the grant opens it now (so a refused copy is refused for being archived)
        self.assertIn(marker, readable(self.call_kw("ir.attachment", "read", [archived.ids, ["datas"]])))
        copies = []
        for default in (
            {},
            {"res_model": False, "res_id": 0},
            {"res_model": "qi.case", "res_id": self.threads["case_a"][1]},
        ):
            answer = json.loads(self.call_kw("ir.attachment", "copy", [archived.ids], {"default": default}))
            copies += answer.get("result") or []
        # the grant ends, as time would end it
        self.env["qi.archive.access.request"].search([("requester_id", "=", self.users["staff_a"].id)]).write(
            {"date_expiry": datetime.now() - timedelta(seconds=1)}
        )
        self.assertFalse(readable(self.call_kw("ir.attachment", "read", [archived.ids, ["datas"]])).count(marker))
        for copy_id in copies:
            for url in (f"/web/content/{copy_id}?download=true", f"/web/content/ir.attachment/{copy_id}/datas"):
                with self.subTest(copy=copy_id, url=url):
                    self.assertNotIn(marker, readable(self.request(url)))
            with self.subTest(copy=copy_id, call="read"):
                self.assertNotIn(marker, readable(self.call_kw("ir.attachment", "read", [[copy_id], ["datas"]])))
