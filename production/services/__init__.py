"""Every change production makes goes through one of these functions."""

from .checkins import CheckInInput, checkin_record, checkins_create_for_day, checkins_mark_missed
from .delay_reasons import delay_reason_save, delay_reasons_delete
from .delays import delay_apply, delay_record
from .factory import (
    FactoryReportInput,
    factory_link_create,
    factory_link_revoke,
    factory_report_allowed,
    factory_report_confirm,
    factory_report_submit,
)
from .flags import flags_refresh_all, order_flags_refresh, order_flags_refresh_into, orders_flags_refresh_imported
from .plans import (
    PlanToImport,
    milestone_record_actual,
    milestone_revise,
    milestone_set_actual,
    plan_generate,
    plan_on_enter,
    plan_replan_open,
    plans_import,
)
from .runs import RunDetails, guard_start_production, production_run_save, production_runs_import, production_start

__all__ = [
    "CheckInInput",
    "RunDetails",
    "checkin_record",
    "checkins_create_for_day",
    "checkins_mark_missed",
    "delay_reason_save",
    "delay_reasons_delete",
    "delay_apply",
    "delay_record",
    "FactoryReportInput",
    "factory_link_create",
    "factory_link_revoke",
    "factory_report_allowed",
    "factory_report_confirm",
    "factory_report_submit",
    "flags_refresh_all",
    "guard_start_production",
    "milestone_record_actual",
    "milestone_set_actual",
    "milestone_revise",
    "order_flags_refresh",
    "order_flags_refresh_into",
    "orders_flags_refresh_imported",
    "plan_generate",
    "PlanToImport",
    "plans_import",
    "plan_on_enter",
    "plan_replan_open",
    "production_runs_import",
    "production_run_save",
    "production_start",
]
