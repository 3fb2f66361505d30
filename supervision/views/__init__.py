"""Thin views: validate the form, call one service, turn domain errors into messages, redirect.

Who sees which row is decided in supervision.selectors (`*_get_for_user` answers 404); who may act is
decided in the services (NotPermitted). The role lists here only keep people away from pages that are
not theirs at all.

One module per area, as orders/views/ is split."""
