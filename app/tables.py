"""The Core table of every SQLModel table, named once for the statements of the service."""

from __future__ import annotations

from app import history_models, models, webhook_models

initiative_table = models.table_of(models.Initiative)
organisation_table = models.table_of(models.Organisation)
solution_table = models.table_of(models.Solution)
dependency_table = models.table_of(models.Dependency)
delivery_table = models.table_of(models.Delivery)
risk_table = models.table_of(models.Risk)
period_table = models.table_of(models.ReportingPeriod)
report_table = models.table_of(models.StatusReport)
goal_table = models.table_of(models.StrategicGoal)
sdg_table = models.table_of(models.SustainableDevelopmentGoal)
supporting_goal_table = models.table_of(models.InitiativeSupportingGoal)
initiative_sdg_table = models.table_of(models.InitiativeSdg)
developed_table = models.table_of(models.DevelopedSolution)
version_table = models.table_of(models.DataVersion)
audit_table = models.table_of(models.AuditEvent)
meeting_table = models.table_of(models.CouncilMeeting)
decision_table = models.table_of(models.CouncilDecision)
token_table = models.table_of(models.ApiToken)
role_grant_table = models.table_of(models.RoleGrant)
browser_session_table = models.table_of(models.BrowserSession)
budget_table = models.table_of(models.CallerBudget)
event_table = models.table_of(models.EventRecord)
derivation_table = models.table_of(models.EventDerivation)

# Webhooks (their SQLModel tables live in their own module).
webhook_table = models.table_of(webhook_models.Webhook)
webhook_delivery_table = models.table_of(webhook_models.WebhookDelivery)
webhook_attempt_table = models.table_of(webhook_models.WebhookAttempt)
webhook_dispatch_table = models.table_of(webhook_models.WebhookDispatch)
reminder_table = models.table_of(models.SentReminder)
scenario_table = models.table_of(models.Scenario)

# History and baselines (their SQLModel tables live in their own module).
initiative_history_table = models.table_of(history_models.InitiativeHistory)
delivery_history_table = models.table_of(history_models.DeliveryHistory)
dependency_history_table = models.table_of(history_models.DependencyHistory)
baseline_table = models.table_of(history_models.Baseline)
