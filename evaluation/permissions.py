"""Who may do what in the evaluation. One place; services and selectors ask here."""

from accounts.roles import Role, has_role


def is_hr(user) -> bool:
    return bool(user and user.is_authenticated and has_role(user, Role.HR))


def reads_all_scorecards(user) -> bool:
    """HR runs the evaluation; senior management reads every result."""
    return bool(user and user.is_authenticated and has_role(user, Role.HR, Role.MANAGEMENT))


def leads_team(user, team_id) -> bool:
    if not (user and user.is_authenticated and team_id and has_role(user, Role.SUPERVISOR)):
        return False
    return user.led_teams.filter(pk=team_id).exists()


def can_comment(user, scorecard) -> bool:
    return is_hr(user) or leads_team(user, scorecard.team_id)


def can_rate(user, merchandiser) -> bool:
    """The supervisor's assessment (policy 5.1.2) is given by the supervisor of the merchandiser's team."""
    return bool(
        merchandiser is not None
        and merchandiser.pk != getattr(user, "pk", None)
        and has_role(merchandiser, Role.MERCHANDISER)
        and leads_team(user, merchandiser.team_id)
    )
