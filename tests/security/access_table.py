"""THE table of who may reach what: every URL of the project × every role × GET and POST.

tests/security/test_access_matrix.py walks the URL resolver and fails for any URL that is not listed
here, so a new page cannot ship without someone deciding who may open it. To add a URL: add an entry
(copy the closest one), and if its route has a new kind of argument add it to KWARGS_BY_NAME or
KWARGS_BY_URL. `ACCESS_MATRIX_PRINT=1 pytest tests/security/test_access_matrix.py -s` prints what each
role actually gets, as a starting point; read it before you paste it.

Outcome classes (what the test client sees, see test_access_matrix.classify):
  ok       2xx, 3xx to a page other than sign-in without an error message, or 400/413/415/422 (the person
           was let in and the empty or sample input was answered with form errors, or by the API with its
           JSON error: a form-encoded body is 415)
  login    a redirect to the sign-in page
  denied   403 or 404 (a person who may not see the object gets 404: it does not exist for them)
  refused  a redirect back with an error message: the page is theirs to see, the action is not
           (the service said NotPermitted); nothing changes
  api-401  401 from the token API (no or wrong bearer token)
  method   405: the URL does not answer this method

Roles: anonymous; merchandiser, supervisor (both of team A, which owns the order under test); qa, hr,
management; other_merchandiser (team B); customer_api (a bearer token of the order's customer, no
session); link_holder (a customer with a shipment status link, once logistics has one); factory_link (a
factory's phone with the link to report on a production run: no session, the token is the key).
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..evaluation.access_world import pk_of as eval_pk
from ..evaluation.access_world import q_of as eval_q
from ..evaluation.access_world import quarter_of as eval_quarter
from ..evaluation.access_world import year_of as eval_year
from ..supervision.access_world import ScorePost
from ..supervision.access_world import pk_of as sup_pk
from .stage_world import stage

OK, LOGIN, DENIED, REFUSED, API_401, METHOD = "ok", "login", "denied", "refused", "api-401", "method"


def inbox_notice(world) -> int:
    """A notice in the merchandiser's inbox (made once per world): only they may open or mark it."""
    from notifications.models import InboxItem

    item, _ = InboxItem.objects.get_or_create(
        dedupe_key="access-matrix",
        defaults={"user": world.users["merchandiser"], "kind": "order_mention", "title": "Matrix", "link": "/"},
    )
    return item.pk


def golive_job(world) -> int:
    """A finished go-live import job (made once per world): starting it again changes nothing."""
    from golive.models import ImportJob, ImportJobStatus

    job, _ = ImportJob.objects.get_or_create(
        original_name="access-matrix.csv",
        defaults={"status": ImportJobStatus.DONE, "orders_imported": 0, "uploaded_by": world.users["supervisor"]},
    )
    return job.pk


def webhook_world(world) -> dict:
    """An endpoint of the order's customer (team A's) with one delivery (made once per world)."""
    if "webhooks" not in world.extra:
        from webhooks.models import Delivery
        from webhooks.services import endpoint_create

        endpoint, _secret = endpoint_create(
            customer_id=world.order.customer_id,
            actor=world.users["merchandiser"],
            url="http://127.0.0.1:9/hook",  # the discard port: a replay's attempt fails at once
            events=["order.received"],
        )
        delivery = Delivery.objects.create(
            endpoint=endpoint,
            event_id="evt_matrix",
            event="order.received",
            order=world.order,
            body="{}",
            status="succeeded",
            retry_until=timezone.now(),
        )
        world.extra["webhooks"] = {"endpoint": endpoint.pk, "delivery": delivery.pk}
    return world.extra["webhooks"]


def api_token_pk(world) -> int:
    """The world's bearer token (of the order's customer): its contact may revoke it in the portal."""
    from orders.models import CustomerApiToken

    return CustomerApiToken.objects.filter(customer=world.order.customer).values_list("pk", flat=True).first()


def webhook_pk(name: str):
    return lambda world: webhook_world(world)[name]


STAFF = ("merchandiser", "supervisor", "qa", "hr", "management", "other_merchandiser")
OUTSIDERS = ("anonymous", "customer_api", "link_holder", "factory_link")  # no staff session
# A contact of the order's customer signed in to the customer portal: confined to the portal's pages
# (customer_portal.middleware), refused (403) everywhere else.
CONTACT = "contact"


def everyone(outcome: str, **overrides: str) -> dict:
    return {**dict.fromkeys(STAFF + OUTSIDERS + (CONTACT,), outcome), **overrides}


def staff_only(outcome: str = OK, **overrides: str) -> dict:
    """Signed-in staff get `outcome`; people without a staff session are sent to sign in; a portal contact
    is refused (a staff page)."""
    return {**dict.fromkeys(OUTSIDERS, LOGIN), **dict.fromkeys(STAFF, outcome), CONTACT: DENIED, **overrides}


def portal_only(outcome: str = OK, **overrides: str) -> dict:
    """The customer portal: its contact gets `outcome`; staff are refused (not their page); people without
    a session are sent to sign in."""
    return {**dict.fromkeys(OUTSIDERS, LOGIN), **dict.fromkeys(STAFF, DENIED), CONTACT: outcome, **overrides}


def roles_only(*allowed: str, other: str = DENIED) -> dict:
    """Only `allowed` roles get in; other staff are refused; outsiders are sent to sign in."""
    return staff_only(other, **dict.fromkeys(allowed, OK))


MERCHANDISERS = ("merchandiser", "other_merchandiser")
READ_ALL = ("qa", "hr", "management")

# The order under test belongs to team A: its merchandiser and supervisor may act on it, QA, HR and
# management may read it, team B's merchandiser must not even learn that it exists (404).
ORDER_READ = roles_only("merchandiser", "supervisor", *READ_ALL)
# Actions on the order: read-only roles get the service's refusal, team B gets 404.
# A role the service refuses (NotPermitted) gets the 403 page that says why (core.views, the error rule).
ORDER_ACTION = staff_only(DENIED, merchandiser=OK, supervisor=OK)
POST_ONLY_ORDER_ACTION = {"GET": staff_only(METHOD), "POST": ORDER_ACTION}
# Pages whose GET is a form: the form itself is only shown to those who may use it.
ORDER_FORM = roles_only("merchandiser", "supervisor")

# POST-only actions on a stage object of team A's order: the owner and the supervisor get in; read-only
# roles are refused by the role check (403) before the method is looked at; team B gets 405, then 404.
STAGE_POST_ONLY_ACTION = {
    "GET": staff_only(DENIED, merchandiser=METHOD, supervisor=METHOD, other_merchandiser=METHOD),
    "POST": roles_only("merchandiser", "supervisor"),
}
# The same for uploads and edits: an empty POST is answered with a message (refused), not saved.
STAGE_POST_ONLY_UPLOAD = {
    "GET": STAGE_POST_ONLY_ACTION["GET"],
    "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),
}

TEMPLATE_PAGE = {"GET": everyone(OK), "POST": everyone(METHOD)}  # public, read-only (password reset steps)

ACCESS: dict[str, dict] = {
    # --- accounts -------------------------------------------------------------------------------------
    "home": staff_only(OK, contact=OK),  # a portal contact is sent on to the portal's home
    "set_language": {"GET": everyone(METHOD), "POST": everyone(OK)},
    "login": everyone(OK),  # signed-in people are sent on to their home page
    "logout": {"GET": everyone(METHOD), "POST": everyone(LOGIN)},  # signing out lands on the sign-in page
    "password_change": staff_only(OK, contact=OK),
    "password_change_done": {"GET": staff_only(OK, contact=OK), "POST": staff_only(METHOD, contact=METHOD)},
    "password_reset": everyone(OK),
    "password_reset_done": TEMPLATE_PAGE,
    "password_reset_confirm": everyone(OK),  # an unknown link answers "no longer valid"
    "password_reset_complete": TEMPLATE_PAGE,
    "otp_setup": staff_only(OK, contact=OK),  # anyone signed in may add an authenticator
    "otp_verify": staff_only(OK, contact=OK),  # without a device: sent to set one up
    # --- orders ---------------------------------------------------------------------------------------
    "orders:list": staff_only(OK),
    "orders:export": staff_only(OK),  # rows are filtered by orders_visible_to
    "orders:filter_options": staff_only(OK),  # the <option>s of the list's customer/merchandiser filters
    "orders:intake_phone": roles_only(*MERCHANDISERS),
    "orders:intake_email": roles_only(*MERCHANDISERS),
    "orders:intake_spreadsheet": roles_only(*MERCHANDISERS),
    "orders:product_lookup": roles_only(*MERCHANDISERS, "supervisor", "management", "qa"),
    "orders:handover": roles_only("supervisor"),
    "orders:detail": ORDER_READ,
    "orders:timeline": ORDER_READ,
    "orders:section": ORDER_READ,  # one panel of the order page alone
    "orders:tab": ORDER_READ,  # a tab of the order page, fetched by htmx
    "orders:next_step": ORDER_READ,  # the next-step card, fetched again after a checklist tick
    "orders:check_item": POST_ONLY_ORDER_ACTION,
    "orders:check_all": POST_ONLY_ORDER_ACTION,
    "orders:confirmation": POST_ONLY_ORDER_ACTION,
    "orders:transition": POST_ONLY_ORDER_ACTION,
    "orders:hold": POST_ONLY_ORDER_ACTION,
    # The order under test is not on hold: its owner and supervisor get in, and are told so (refused).
    "orders:release": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED)},
    "orders:edit": ORDER_FORM,
    "orders:add_attachment": POST_ONLY_ORDER_ACTION,
    # A promise that is not the order's (the world has none): 404 for whoever may read the order too.
    "orders:promise_decide": {"GET": staff_only(METHOD), "POST": staff_only(DENIED)},
    "orders:promises_waiting": roles_only("supervisor"),
    "orders:attachment": {"GET": ORDER_READ, "POST": ORDER_READ},
    # The order's thread: whoever may read the order may write in it (QA, HR, management too).
    "orders:comment": {"GET": staff_only(METHOD), "POST": ORDER_READ},
    "orders:customer_list": roles_only("merchandiser", "supervisor", "management", "other_merchandiser"),
    "orders:customer_new": roles_only(*MERCHANDISERS, "supervisor", "management"),
    # Team A's customer: team B's merchandiser reads it; changing it is refused (orders.permissions, customers).
    "orders:customer_edit": {
        "GET": roles_only(*MERCHANDISERS, "supervisor", "management"),
        "POST": {**roles_only("merchandiser", "supervisor", "management"), "other_merchandiser": REFUSED},
    },
    "orders:product_list": roles_only(*MERCHANDISERS, "supervisor", "management", "qa"),
    "orders:product_new": roles_only(*MERCHANDISERS, "supervisor"),
    "orders:product_edit": roles_only(*MERCHANDISERS, "supervisor"),
    # --- dashboards -----------------------------------------------------------------------------------
    "dashboards:merchandiser": roles_only(*MERCHANDISERS),
    "dashboards:supervisor": roles_only("supervisor"),
    "dashboards:qa": roles_only("qa"),
    "dashboards:hr": roles_only("hr"),
    "dashboards:management": roles_only("management"),
    "dashboards:no_role": staff_only(OK),
    # --- production -----------------------------------------------------------------------------------
    # The world's order is still received: its owner and supervisor are let in and told why not (the
    # plan and the run begin at entry); roles that may only read it get 403, team B 404.
    "production:my_checkins": {
        "GET": roles_only(*MERCHANDISERS),
        "POST": staff_only(DENIED, merchandiser=METHOD, other_merchandiser=METHOD),
    },
    "production:checkin_save": {
        "GET": staff_only(DENIED, merchandiser=METHOD, other_merchandiser=METHOD),
        "POST": staff_only(DENIED),
    },
    "production:checkin_list": staff_only(OK),  # rows: the check-ins of the orders the person may see
    "production:checkin_export": staff_only(OK),
    "production:board": {"GET": roles_only("supervisor"), "POST": staff_only(DENIED, supervisor=METHOD)},
    "production:start": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),
    },
    "production:milestone": {
        "GET": staff_only(DENIED),  # its forms, for the order's editors; milestone 1 is no milestone of theirs
        "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),
    },
    "production:delay": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),
    },
    # The factory's phone link (stage_world: an in-production order of team A with a link and a report
    # with a photo). Everyone but the link's holder asks with a tampered token: 404, with words.
    "production:factory_page": {"GET": everyone(DENIED, factory_link=OK), "POST": everyone(DENIED, factory_link=OK)},
    "production:factory_link_new": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),  # the world's order has no run
    },
    "production:factory_link_withdraw": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),  # link 1 is not the order's
    },
    "production:factory_report_confirm": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=REFUSED, supervisor=REFUSED),  # report 1 is not the order's
    },
    # A report's photo: whoever may see the order, never the factory's link or anyone without a session.
    "production:factory_photo": {"GET": ORDER_READ, "POST": staff_only(METHOD)},
    # --- logistics (stage_world: team A's delivered order, its shipment, document and status link) -----
    "logistics:shipment_list": staff_only(OK),  # rows filtered per person
    "logistics:shipment_export": staff_only(OK),  # the list's rows, filtered per person
    "logistics:shipment_new": roles_only("merchandiser", "supervisor"),
    "logistics:shipment_deliver": roles_only("merchandiser", "supervisor"),
    "logistics:document_add": STAGE_POST_ONLY_UPLOAD,
    "logistics:document": {"GET": ORDER_READ, "POST": ORDER_READ},  # a download, always as attachment
    "logistics:status_link_new": STAGE_POST_ONLY_ACTION,
    "logistics:status_link_revoke": STAGE_POST_ONLY_ACTION,
    "logistics:status_link_renew": STAGE_POST_ONLY_ACTION,
    "logistics:carrier_list": roles_only(*MERCHANDISERS, "supervisor", "management"),
    # --- go-live: supervisors and management import the orders under way; nobody else sees the page --------
    "golive:import": roles_only("supervisor", "management"),  # an empty POST: the form's errors (400)
    "golive:job": roles_only("supervisor", "management"),  # a finished job: a POST changes nothing
    "golive:template": {
        "GET": roles_only("supervisor", "management"),
        "POST": roles_only("supervisor", "management", other=DENIED) | {"supervisor": METHOD, "management": METHOD},
    },
    # --- documents: the PI and packing lists of team A's delivered order ------------------------------
    "documents:pi_new": STAGE_POST_ONLY_ACTION,
    "documents:pi_send": STAGE_POST_ONLY_ACTION,
    "documents:packing_list_new": STAGE_POST_ONLY_ACTION,
    "documents:download": {"GET": ORDER_READ, "POST": ORDER_READ},  # a download, always as attachment
    "logistics:carrier_new": roles_only("supervisor"),
    "logistics:carrier_edit": roles_only("supervisor"),
    # --- after-sales (stage_world: a case with an attachment on that order, a suggestion) -------------
    "aftersales:case_list": staff_only(OK),  # rows filtered per person
    "aftersales:case_export": staff_only(OK),  # the list's rows, filtered per person
    "aftersales:case_new": roles_only("merchandiser", "supervisor"),
    "aftersales:case_detail": ORDER_READ,
    "aftersales:case_step": STAGE_POST_ONLY_ACTION,
    "aftersales:case_edit": STAGE_POST_ONLY_UPLOAD,  # an empty edit is refused with a message
    "aftersales:case_attachment_add": STAGE_POST_ONLY_UPLOAD,
    "aftersales:case_attachment": {"GET": ORDER_READ, "POST": ORDER_READ},
    "aftersales:feedback_list": staff_only(OK),
    "aftersales:feedback_new": roles_only("merchandiser", "supervisor"),
    "supervision:suggestion_list": staff_only(OK),
    "supervision:suggestion_new": roles_only(*MERCHANDISERS),  # merchandisers suggest
    "supervision:suggestion_detail": roles_only("merchandiser", "supervisor", *READ_ALL),
    "supervision:suggestion_step": {  # only the author's supervisor decides
        "GET": staff_only(DENIED, supervisor=METHOD),
        "POST": roles_only("supervisor"),
    },
    # --- the customer's status page: no login, the token is the key ----------------------------------
    # Everyone but the link holder asks with a tampered token: 404, like a page that never existed.
    "portal:status": {"GET": everyone(DENIED, link_holder=OK), "POST": everyone(METHOD)},
    "portal:open_case": {"GET": everyone(METHOD), "POST": everyone(DENIED, link_holder=OK)},
    "portal:survey": {"GET": everyone(METHOD), "POST": everyone(DENIED, link_holder=OK)},
    # No new date waits on the order: the link holder is told so and sent back to the page.
    "portal:answer_date": {"GET": everyone(METHOD), "POST": everyone(DENIED, link_holder=REFUSED)},
    "portal:pi": {"GET": everyone(DENIED, link_holder=OK), "POST": everyone(METHOD)},  # the current PI only
    "portal:pi_confirm": {"GET": everyone(METHOD), "POST": everyone(DENIED, link_holder=OK)},
    # --- the customer portal (customer_portal.portal_urls): the order's customer's contact, signed in;
    # staff are refused (403), the rest sent to sign in. Another company's object is a 404 (tests/customer_portal).
    "customer:home": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:orders": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:order": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:shipments": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:documents": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:document": {"GET": portal_only(), "POST": everyone(METHOD)},  # a download, always as attachment
    "customer:cases": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:surveys": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:developer": {"GET": portal_only(), "POST": everyone(METHOD)},
    # POST only: an empty label is allowed (a token is issued); revoking the customer's token.
    "customer:token_issue": {"GET": everyone(METHOD), "POST": portal_only()},
    "customer:token_revoke": {"GET": everyone(METHOD), "POST": portal_only()},
    "customer:endpoint_new": portal_only(),  # an empty POST: the form's errors (400)
    "customer:endpoint": portal_only(),
    "customer:endpoint_rotate": {"GET": everyone(METHOD), "POST": portal_only()},
    "customer:delivery": {"GET": portal_only(), "POST": everyone(METHOD)},
    "customer:delivery_replay": {"GET": everyone(METHOD), "POST": portal_only()},
    # The emailed invitation link: public; a forged link answers "no longer valid" (200) to everyone.
    "customer:accept": everyone(OK),
    # --- staff invite and revoke a contact's portal login (the panel on the customer's page): a merchandiser
    # of the customer's orders, their supervisor and management; team B's merchandiser is refused by the service.
    "portal_access:invite": {
        "GET": staff_only(DENIED, merchandiser=METHOD, supervisor=METHOD, management=METHOD, other_merchandiser=METHOD),
        "POST": roles_only("merchandiser", "supervisor", "management"),
    },
    "portal_access:revoke": {
        "GET": staff_only(DENIED, merchandiser=METHOD, supervisor=METHOD, management=METHOD, other_merchandiser=METHOD),
        "POST": roles_only("merchandiser", "supervisor", "management"),
    },
    # --- the customer API (token only: a staff session is not a token) --------------------------------
    "api:api-root": everyone(DENIED),  # ninja answers 404 at its root
    # The schema and Swagger UI are public documentation (bundled assets, no data); ninja serves them
    # for any method.
    "api:openapi-json": everyone(OK),
    "api:openapi-view": everyone(OK),
    # One route, two names: GET lists the token's orders, POST submits one.
    "api:order_submit": everyone(API_401, customer_api=OK),
    "api:order_list": everyone(API_401, customer_api=OK),
    "api:order_get": {"GET": everyone(API_401, customer_api=OK), "POST": everyone(METHOD)},
    # The token's own webhook deliveries, and a replay of one (POST only).
    "api:webhook_delivery_list": {"GET": everyone(API_401, customer_api=OK), "POST": everyone(METHOD)},
    "api:webhook_delivery_replay": {"GET": everyone(METHOD), "POST": everyone(API_401, customer_api=OK)},
    # --- webhooks: the customer's merchandiser, their supervisor and management; team B's merchandiser
    # does not learn that the customer's webhooks exist (404); QA and HR have no business there (403).
    "webhooks:customer": roles_only("merchandiser", "supervisor", "management"),
    "webhooks:endpoint": roles_only("merchandiser", "supervisor", "management"),
    "webhooks:endpoint_rotate": {
        "GET": staff_only(DENIED, merchandiser=METHOD, supervisor=METHOD, management=METHOD, other_merchandiser=METHOD),
        "POST": roles_only("merchandiser", "supervisor", "management"),
    },
    "webhooks:delivery": roles_only("merchandiser", "supervisor", "management"),
    "webhooks:delivery_replay": {
        "GET": staff_only(DENIED, merchandiser=METHOD, supervisor=METHOD, management=METHOD, other_merchandiser=METHOD),
        "POST": roles_only("merchandiser", "supervisor", "management"),
    },
    # --- the development webhook receiver (devtools, local and test settings only) ---------------------
    # Anyone may POST (the signature is the key: an unsigned request gets 400); staff who manage webhooks read.
    "devreceiver:receive": {"GET": everyone(METHOD, contact=DENIED), "POST": everyone(OK, contact=DENIED)},
    "devreceiver:api-root": everyone(DENIED),
    "dev_webhooks_received": {
        "GET": roles_only(*MERCHANDISERS, "supervisor", "management"),
        "POST": staff_only(DENIED, **dict.fromkeys((*MERCHANDISERS, "supervisor", "management"), METHOD)),
    },
    # --- operations -----------------------------------------------------------------------------------
    "healthz": {"GET": everyone(OK), "POST": everyone(OK)},
    # --- supervision (tests/supervision/access_world.py builds the objects of team A) ------------------
    "supervision:meeting_list": roles_only("merchandiser", "supervisor", "other_merchandiser"),
    "supervision:meeting_create": {"GET": staff_only(METHOD), "POST": roles_only("supervisor")},
    "supervision:meeting_detail": roles_only("merchandiser", "supervisor"),  # team B's merchandiser: 404
    "supervision:meeting_record": {"GET": staff_only(METHOD), "POST": roles_only("supervisor")},
    "supervision:meeting_refresh": {"GET": staff_only(METHOD), "POST": roles_only("supervisor")},
    "supervision:action_item_add": {"GET": staff_only(METHOD), "POST": roles_only("supervisor")},
    "supervision:action_item_step": {"GET": staff_only(METHOD), "POST": roles_only("merchandiser", "supervisor")},
    "supervision:report_mine": roles_only(*MERCHANDISERS),
    "supervision:report_inbox": roles_only("supervisor", "hr"),
    # The author edits; the supervisor and HR read (their POST is refused by the service).
    "supervision:report_detail": {
        "GET": roles_only("merchandiser", "supervisor", "hr"),
        "POST": staff_only(DENIED, merchandiser=OK),
    },
    "supervision:report_step": {"GET": staff_only(METHOD), "POST": roles_only("merchandiser")},
    "supervision:report_suggestion": {"GET": staff_only(METHOD), "POST": roles_only("merchandiser")},
    "supervision:report_review": {"GET": staff_only(METHOD), "POST": roles_only("supervisor")},
    "supervision:review_queue": roles_only("supervisor"),
    "supervision:review_list": staff_only(OK),  # rows: QA, HR, management all; supervisors their team's; others own
    "supervision:review_export": staff_only(OK),
    "supervision:review_order": roles_only("supervisor"),
    "supervision:plan_list": roles_only("qa"),
    "supervision:plan_new": roles_only("qa"),
    "supervision:plan_detail": roles_only("qa"),
    "supervision:plan_draw": {"GET": staff_only(METHOD), "POST": roles_only("qa")},
    "supervision:plan_verify": {"GET": staff_only(METHOD), "POST": roles_only("qa")},
    "supervision:sample_score": roles_only("qa"),
    "supervision:finding_raise": {"GET": staff_only(METHOD), "POST": roles_only("qa")},
    "supervision:finding_list": staff_only(OK),  # rows: QA and HR all, supervisors their team's, others their own
    "supervision:finding_export": staff_only(OK),  # the list's rows, as above
    "supervision:finding_detail": roles_only("merchandiser", "supervisor", "qa", "hr"),
    # Only the merchandiser concerned acknowledges and closes; those who may see it are refused.
    "supervision:finding_acknowledge": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=OK),
    },
    "supervision:finding_close": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=OK),
    },
    "supervision:finding_evidence": {
        "GET": roles_only("merchandiser", "supervisor", "qa", "hr"),
        "POST": roles_only("merchandiser", "supervisor", "qa", "hr"),
    },
    "supervision:violation_list": staff_only(OK),  # rows: HR all, supervisors their team's, everyone their own
    "supervision:violation_export": staff_only(OK),  # the list's rows, as above
    "supervision:violation_new": roles_only("supervisor", "hr"),
    "supervision:violation_detail": roles_only("merchandiser", "supervisor", "hr"),
    "supervision:violation_opinion": {"GET": staff_only(METHOD), "POST": roles_only("supervisor")},
    "supervision:violation_decide": {"GET": staff_only(METHOD), "POST": roles_only("hr")},
    "supervision:violation_acknowledge": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, merchandiser=OK),
    },
    "supervision:violation_appeal": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, merchandiser=OK)},
    "supervision:violation_appeal_answer": {"GET": staff_only(METHOD), "POST": roles_only("hr")},
    "supervision:policy_current": staff_only(OK),
    "supervision:policy_acknowledge": {"GET": staff_only(METHOD), "POST": staff_only(OK)},
    "supervision:policy_versions": staff_only(OK),
    "supervision:policy_version": staff_only(OK),  # the version in force: everyone reads it
    "supervision:policy_new": roles_only("hr"),
    "supervision:policy_edit": roles_only("hr"),
    # Submitting a draft is HR's step; the supervisor and management see the page but are refused.
    "supervision:policy_step": {
        "GET": staff_only(METHOD),
        "POST": staff_only(DENIED, hr=OK),
    },
    "supervision:policy_acknowledgements": roles_only("hr"),
    # HR interprets the version in force (policy 6.1); everyone else is refused at the door.
    "supervision:policy_interpret": {"GET": staff_only(METHOD), "POST": roles_only("hr")},
    # --- evaluation (tests/evaluation/access_world.py: team A's scorecard in finalised 2025Q4) ----------
    # Quarters and rankings: HR and management read all, a supervisor their team's rows.
    "evaluation:quarter_list": {"GET": roles_only("supervisor", "hr", "management"), "POST": staff_only(METHOD)},
    "evaluation:quarter_detail": {"GET": roles_only("supervisor", "hr", "management"), "POST": staff_only(METHOD)},
    "evaluation:quarter_export": {"GET": roles_only("supervisor", "hr", "management"), "POST": staff_only(METHOD)},
    # Only HR scores and finalises; 2025Q4 is final, so the service refuses both.
    "evaluation:run_start": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, hr=REFUSED)},
    "evaluation:run_progress": {"GET": roles_only("hr"), "POST": staff_only(METHOD)},
    "evaluation:finalise": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, hr=REFUSED)},
    "evaluation:my_scorecards": {"GET": roles_only(*MERCHANDISERS), "POST": staff_only(METHOD)},
    # The scorecard: its person (it is final), the team's supervisor, HR and management; team B gets 404.
    "evaluation:scorecard": {
        "GET": roles_only("merchandiser", "supervisor", "hr", "management"),
        "POST": staff_only(METHOD),
    },
    "evaluation:scorecard_xlsx": {
        "GET": roles_only("merchandiser", "supervisor", "hr", "management"),
        "POST": staff_only(METHOD),
    },
    "evaluation:scorecard_pdf": {
        "GET": roles_only("merchandiser", "supervisor", "hr", "management"),
        "POST": staff_only(METHOD),
    },
    "evaluation:drilldown": {
        "GET": roles_only("merchandiser", "supervisor", "hr", "management"),
        "POST": staff_only(METHOD),
    },
    # Frozen: comments and adjustments are refused even to those who may make them.
    "evaluation:comment": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, supervisor=REFUSED, hr=REFUSED)},
    "evaluation:adjust": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, hr=REFUSED)},
    "evaluation:outcome": {"GET": staff_only(METHOD), "POST": roles_only("hr")},
    # The person's own actions; an appeal is already open, so both are refused; team B gets 404.
    "evaluation:acknowledge": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, merchandiser=REFUSED)},
    "evaluation:appeal": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, merchandiser=REFUSED)},
    "evaluation:appeal_list": {"GET": roles_only("hr"), "POST": staff_only(METHOD)},
    "evaluation:appeal_answer": {"GET": staff_only(METHOD), "POST": roles_only("hr")},
    "evaluation:scheme": {"GET": roles_only("hr", "management"), "POST": staff_only(METHOD)},
    "evaluation:scheme_new": roles_only("hr"),  # an empty POST answers 422 with the form's errors
    # The supervisor's assessment: only supervisors rate; the matrix's quarter (2025Q4) is finalised: refused.
    "evaluation:ratings_current": {"GET": roles_only("supervisor"), "POST": staff_only(METHOD)},
    "evaluation:ratings": {"GET": roles_only("supervisor"), "POST": staff_only(METHOD)},
    "evaluation:rate": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, supervisor=REFUSED)},
    # the company calendar: supervisors read it, HR changes it (an empty POST answers 400 with the form)
    "workcalendar:calendar": {
        "GET": roles_only("supervisor", "hr"),
        "POST": staff_only(DENIED, supervisor=METHOD, hr=METHOD),
    },
    "workcalendar:day_set": {"GET": staff_only(DENIED, hr=METHOD), "POST": roles_only("hr")},
    "workcalendar:day_delete": {"GET": staff_only(DENIED, hr=METHOD), "POST": roles_only("hr", other=DENIED)},
    "workcalendar:import": {"GET": staff_only(DENIED, hr=METHOD), "POST": roles_only("hr")},
    # the personal calendar feed: every signed-in person has their own page and link; the feed itself opens
    # with its signed link alone, and a forged one is a 404 for everyone
    "calendarfeed:page": {"GET": staff_only(OK), "POST": staff_only(METHOD)},
    # The search box: every staff role; the rows are each app's visible ones (search.selectors).
    "search:page": {"GET": staff_only(OK), "POST": staff_only(METHOD)},
    "search:suggest": {"GET": staff_only(OK), "POST": staff_only(METHOD)},
    "calendarfeed:issue": {"GET": staff_only(METHOD), "POST": staff_only(OK)},
    "calendarfeed:turn_off": {"GET": staff_only(METHOD), "POST": staff_only(OK)},
    "calendarfeed:ics": {"GET": everyone(DENIED), "POST": everyone(METHOD, contact=DENIED)},
    # The inbox: every signed-in person has their own; a notice of someone else's is a 404 (the matrix's
    # notice is the merchandiser's). Preferences: an empty POST changes nothing and goes back to the page.
    "notifications:inbox": {"GET": staff_only(OK), "POST": staff_only(METHOD)},
    "notifications:bell": {"GET": staff_only(OK), "POST": staff_only(METHOD)},
    "notifications:preferences": staff_only(OK),
    "notifications:read_all": {"GET": staff_only(METHOD), "POST": staff_only(OK)},
    "notifications:open": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, merchandiser=OK)},
    "notifications:read": {"GET": staff_only(METHOD), "POST": staff_only(DENIED, merchandiser=OK)},
    # The teams' chat robots: management (and superusers) only. An empty POST is answered with the form's
    # errors; removing a robot that is not there changes nothing.
    "notifications:robots": {"GET": roles_only("management"), "POST": staff_only(DENIED, management=METHOD)},
    "notifications:robot_edit": roles_only("management"),
    "notifications:robot_remove": {
        "GET": staff_only(DENIED, management=METHOD),
        "POST": roles_only("management"),
    },
    # Reminders: each person's own digest of a day (the matrix's world has none: 404 for everyone); the
    # escalations list for supervisors (their team's) and management (all).
    "reminders:digest_day": {"GET": staff_only(DENIED), "POST": staff_only(METHOD)},
    "reminders:escalations": {
        "GET": roles_only("supervisor", "management"),
        "POST": staff_only(DENIED, supervisor=METHOD, management=METHOD),
    },
}

# How to fill a route's arguments from the test world (tests/security/conftest.py World): by argument
# name, unless the URL has its own entry below. Values are attribute paths on the world, or constants.
KWARGS_BY_NAME = {
    "pk": "order.pk",
    "order_id": "order.pk",
    "item_id": "checklist_item.pk",
    "attachment_id": "attachment.pk",
    "name": "=cancel",  # a transition every owner may do from "received"
    "fmt": "=csv",
    "uidb64": "=MQ",
    "token": "=set-password",
}
KWARGS_BY_URL = {
    "orders:filter_options": {"field": "=customer"},
    "orders:section": {"pk": "order.pk", "key": "=notifications"},
    "orders:tab": {"pk": "order.pk", "key": "=record"},
    # logistics, after-sales and the status page: the objects of tests/security/stage_world.py
    "logistics:shipment_new": {"order_pk": stage("order.pk")},
    "logistics:status_link_new": {"order_pk": stage("order.pk")},
    "logistics:status_link_revoke": {"order_pk": stage("order.pk")},
    "logistics:status_link_renew": {"order_pk": stage("order.pk")},
    "logistics:shipment_deliver": {"pk": stage("shipment.pk")},
    "logistics:document_add": {"pk": stage("shipment.pk")},
    "logistics:document": {"pk": stage("shipment.pk"), "document_id": stage("document.pk")},
    "logistics:carrier_edit": {"pk": stage("carrier.pk")},
    "aftersales:case_new": {"order_pk": stage("order.pk")},
    "aftersales:case_detail": {"pk": stage("case.pk")},
    "aftersales:case_step": {"pk": stage("case.pk"), "name": "=start"},
    "aftersales:case_edit": {"pk": stage("case.pk")},
    "aftersales:case_attachment_add": {"pk": stage("case.pk")},
    "aftersales:case_attachment": {"pk": stage("case.pk"), "attachment_id": stage("case_attachment.pk")},
    "aftersales:feedback_new": {"order_pk": stage("order.pk")},
    "supervision:suggestion_detail": {"pk": stage("suggestion.pk")},
    "supervision:suggestion_step": {"pk": stage("suggestion.pk"), "name": "=review"},
    "documents:pi_new": {"order_pk": stage("order.pk")},
    "documents:pi_send": {"order_pk": stage("order.pk")},
    "documents:packing_list_new": {"shipment_pk": stage("shipment.pk")},
    "documents:download": {"order_pk": stage("order.pk"), "pk": stage("pi.pk")},
    "portal:pi": {"token": stage("forged_status_token")},
    "portal:pi_confirm": {"token": stage("forged_status_token")},
    "portal:status": {"token": stage("forged_status_token")},
    "portal:open_case": {"token": stage("forged_status_token")},
    "portal:survey": {"token": stage("forged_status_token")},
    "portal:answer_date": {"token": stage("forged_status_token")},
    "orders:promise_decide": {"pk": "order.pk", "promise_id": "=999999"},
    "production:checkin_save": {"order_pk": "order.pk"},
    "production:milestone": {"milestone_id": "=1"},
    "production:factory_link_withdraw": {"link_id": "=1"},
    "production:factory_report_confirm": {"report_id": "=1"},
    "production:factory_photo": {"pk": stage("factory_order.pk"), "photo_id": stage("factory_photo.pk")},
    "production:factory_page": {"token": stage("forged_factory_token")},
    "workcalendar:day_delete": {"pk": "=1"},
    "calendarfeed:ics": {"token": "=forged:token"},
    "notifications:open": {"pk": lambda world: inbox_notice(world)},
    "golive:job": {"job_id": lambda world: golive_job(world)},
    "notifications:read": {"pk": lambda world: inbox_notice(world)},
    "notifications:robot_edit": {"team_id": lambda world: world.users["merchandiser"].team_id, "channel": "=wecom"},
    "notifications:robot_remove": {"team_id": lambda world: world.users["merchandiser"].team_id, "channel": "=wecom"},
    "reminders:digest_day": {"day": "=2026-01-05"},
    "orders:customer_edit": {"pk": "customer.pk"},
    "webhooks:customer": {"customer_pk": "customer.pk"},
    "webhooks:endpoint": {"pk": webhook_pk("endpoint")},
    "webhooks:endpoint_rotate": {"pk": webhook_pk("endpoint")},
    "webhooks:delivery": {"pk": webhook_pk("delivery")},
    "webhooks:delivery_replay": {"pk": webhook_pk("delivery")},
    "api:webhook_delivery_replay": {"delivery_id": webhook_pk("delivery")},
    "customer:document": {"pk": stage("pi.pk")},
    "customer:token_revoke": {"pk": lambda world: api_token_pk(world)},
    "customer:endpoint": {"pk": webhook_pk("endpoint")},
    "customer:endpoint_rotate": {"pk": webhook_pk("endpoint")},
    "customer:delivery": {"pk": webhook_pk("delivery")},
    "customer:delivery_replay": {"pk": webhook_pk("delivery")},
    "portal_access:invite": {"pk": lambda world: world.users["contact"].customer_contact.pk},
    "portal_access:revoke": {"pk": lambda world: world.users["contact"].customer_contact.pk},
    "orders:product_edit": {"pk": "product.pk"},
    # supervision: the objects of tests/supervision/access_world.py
    "supervision:meeting_detail": {"pk": sup_pk("meeting")},
    "supervision:meeting_record": {"pk": sup_pk("meeting")},
    "supervision:meeting_refresh": {"pk": sup_pk("meeting")},
    "supervision:action_item_add": {"pk": sup_pk("meeting")},
    "supervision:action_item_step": {"pk": sup_pk("action_item"), "name": "=complete"},
    "supervision:report_detail": {"pk": sup_pk("report")},
    "supervision:report_step": {"pk": sup_pk("report"), "name": "=submit"},
    "supervision:report_suggestion": {"pk": sup_pk("report")},
    "supervision:report_review": {"pk": sup_pk("submitted_report")},
    "supervision:review_order": {"pk": "order.pk"},
    "supervision:plan_detail": {"pk": sup_pk("plan")},
    "supervision:plan_draw": {"pk": sup_pk("draft_plan")},
    "supervision:plan_verify": {"pk": sup_pk("plan")},
    "supervision:sample_score": {"pk": sup_pk("sample")},
    "supervision:finding_raise": {"pk": sup_pk("result_without_finding")},
    "supervision:finding_detail": {"pk": sup_pk("finding")},
    "supervision:finding_acknowledge": {"pk": sup_pk("finding")},
    "supervision:finding_close": {"pk": sup_pk("acknowledged_finding")},
    "supervision:finding_evidence": {"pk": sup_pk("closed_finding")},
    "supervision:violation_detail": {"pk": sup_pk("violation")},
    "supervision:violation_opinion": {"pk": sup_pk("violation")},
    "supervision:violation_decide": {"pk": sup_pk("opined_violation")},
    "supervision:violation_acknowledge": {"pk": sup_pk("decided_violation")},
    "supervision:violation_appeal": {"pk": sup_pk("decided_violation")},
    "supervision:violation_appeal_answer": {"pk": sup_pk("appealed_violation")},
    "supervision:policy_version": {"pk": sup_pk("policy_in_force")},
    "supervision:policy_edit": {"pk": sup_pk("policy_draft")},
    "supervision:policy_interpret": {"pk": sup_pk("policy_in_force")},
    "supervision:policy_step": {"pk": sup_pk("policy_draft"), "name": "=submit"},
    # evaluation: the objects of tests/evaluation/access_world.py
    "evaluation:run_progress": {"run_id": eval_pk("run")},
    "evaluation:quarter_detail": {"year": eval_year, "q": eval_q},
    "evaluation:finalise": {"year": eval_year, "q": eval_q},
    "evaluation:quarter_export": {"year": eval_year, "q": eval_q},
    "evaluation:scorecard": {"pk": eval_pk("scorecard")},
    "evaluation:scorecard_xlsx": {"pk": eval_pk("scorecard")},
    "evaluation:scorecard_pdf": {"pk": eval_pk("scorecard")},
    "evaluation:drilldown": {"pk": eval_pk("scorecard"), "kpi": "=order_accuracy"},
    "evaluation:comment": {"pk": eval_pk("scorecard")},
    "evaluation:outcome": {"pk": eval_pk("scorecard")},
    "evaluation:acknowledge": {"pk": eval_pk("scorecard")},
    "evaluation:appeal": {"pk": eval_pk("scorecard")},
    "evaluation:adjust": {"line_id": eval_pk("line")},
    "evaluation:appeal_answer": {"pk": eval_pk("appeal")},
    "evaluation:ratings": {"year": eval_year, "q": eval_q},
    "evaluation:rate": {"year": eval_year, "q": eval_q, "person": lambda world: world.users["merchandiser"].pk},
}

# Per role, by URL name prefix: the link holder uses the real token of order A's status link; everyone
# else a tampered one, as someone guessing would.
KWARGS_FOR_ROLE = {
    "link_holder": {"portal:": {"token": stage("status_token")}},
    "factory_link": {"production:factory_page": {"token": stage("factory_token")}},
}

# What the POST of a URL carries (values as above, or a function of the world).
POST_DATA = {
    "aftersales:case_step": {"note": "=matrix"},
    "supervision:suggestion_step": {"comment": "=matrix"},
    "set_language": {"language": "=en", "next": "=/"},
    "orders:check_item": {"checked": "=1", "version": "order.version"},
    "orders:check_all": {"version": "order.version"},
    "orders:add_attachment": {"version": "order.version", "file": lambda world: sample_upload()},
    "orders:transition": {"version": "order.version", "reason": "=matrix test"},
    "orders:hold": {"version": "order.version", "reason": "=matrix test"},
    "orders:comment": {"text": "=Matrix comment"},
    "orders:release": {"version": "order.version"},
    "orders:confirmation": {
        "version": "order.version",
        "method": "=email",
        "contact": "=Alice Buyer",
        "confirmed_at": lambda world: (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    },
    # supervision
    "supervision:meeting_record": {
        "minutes": "=Matrix minutes",
        "decisions": "=",
        "present": lambda world: world.users["merchandiser"].pk,
    },
    "supervision:action_item_add": {
        "title": "=Matrix action",
        "owner": lambda world: world.users["merchandiser"].pk,
        "due_date": lambda world: timezone.localdate().isoformat(),
    },
    "supervision:report_detail": {"summary": "=Matrix week", "problems": "=", "plans": "="},
    "supervision:report_suggestion": {"title": "=Matrix idea", "body": "=Do it.", "topic": "=process"},
    "supervision:report_review": {"comment": "=Read."},
    "supervision:review_order": {"rating": "=4", "comment": "=Good record."},
    "supervision:plan_new": {
        "name": "=Matrix plan",
        "period_start": lambda world: (timezone.localdate() - timedelta(days=30)).isoformat(),
        "period_end": lambda world: timezone.localdate().isoformat(),
        "sample_mode": "=count",
        "sample_size": "=2",
    },
    "supervision:sample_score": ScorePost(),
    "supervision:finding_raise": {
        "severity": "=minor",
        "corrective_action": "=Fix it.",
        "due_date": lambda world: timezone.localdate().isoformat(),
    },
    "supervision:finding_close": {"evidence": "=Done."},
    "supervision:violation_new": {
        "person": lambda world: world.users["merchandiser"].pk,
        "type": "=process",
        "severity": "=minor",
        "occurred_at": lambda world: (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "description": "=Matrix violation.",
    },
    "supervision:violation_opinion": {"agreed": "=yes", "opinion": "="},
    "supervision:violation_decide": {"upheld": "=yes", "sanction": "=warning", "note": "=Matrix decision."},
    "supervision:violation_appeal": {"text": "=Matrix appeal."},
    "supervision:violation_appeal_answer": {"answer": "=upheld", "comment": "=Matrix answer."},
    "supervision:policy_new": {"version": "=9.9-matrix"},
    "supervision:policy_interpret": {"article": "=6.1", "body": "=Matrix interpretation."},
    "supervision:policy_edit": {
        "title_zh": "=跟单员工作管理制度",
        "title_en": "=Rules",
        "body_zh": "=## 第一章",
        "body_en": "=## Chapter 1",
        "change_summary": "=Matrix.",
    },
    # evaluation
    "evaluation:run_start": {"quarter": eval_quarter},
    "evaluation:comment": {"body": "=Matrix comment."},
    "evaluation:rate": {"rating": "=4", "comment": "=Matrix rating."},
    "evaluation:adjust": {"new_score": "=50", "reason": "=Matrix reason."},
    "evaluation:outcome": {"kind": "=warning", "reason": "=Matrix decision."},
    "evaluation:appeal": {"reason": "=Matrix appeal."},
    "evaluation:appeal_answer": {"decision": "=rejected", "answer": "=Matrix answer."},
}


def sample_upload():
    return SimpleUploadedFile("matrix.pdf", b"%PDF-1.4 matrix", content_type="application/pdf")
