"""The write API: every mutation is one transaction and returns its payload or a typed error."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app import (
    council_writes,
    delivery_and_risk_writes,
    dependency_writes,
    initiative_writes,
    round_writes,
    status_report_writes,
)
from app.messages import message
from app.repository import Row
from schema.access import AccessMutation
from schema.changes import BaselineMutation
from schema.context import Info
from schema.enums import (
    Segment,
)
from schema.error_types import (
    ConflictError,
    DependencyCycleError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from schema.errors import UserInputError
from schema.mutation_inputs import (
    AddDependencyInput,
    CreateInitiativeInput,
    OpenReportingPeriodInput,
    ProposeInitiativeInput,
    RecordCouncilDecisionInput,
    RemoveDependencyInput,
    SubmitStatusReportInput,
    UpdateInitiativeInput,
    UpsertDeliveryInput,
    UpsertRiskInput,
    values_of,
)
from schema.payloads import (
    DeliveryPayload,
    DependencyPayload,
    InitiativePayload,
    RemoveDependencyPayload,
    ReportingPeriodPayload,
    Result,
    RiskPayload,
    StatusReportPayload,
    invalid,
    mutate,
)
from schema.reference_types import ReportingPeriod
from schema.relay import from_global_id, to_global_id
from schema.scenarios import ScenarioMutation
from schema.types import (
    CouncilDecision,
    Delivery,
    Dependency,
    Initiative,
    Risk,
    StatusReport,
)
from schema.webhooks import WebhookMutation

InitiativeCode = Annotated[str, strawberry.argument(description="Code of the initiative.")]
Reason = Annotated[str, strawberry.argument(description="Why, in words the owner reads.")]
ExpectedVersion = Annotated[
    int | None,
    strawberry.argument(
        description="The `version` last read; when it has moved on the answer is ConflictError."
    ),
]


# --- results ------------------------------------------------------------------------------------

InitiativeResult = Annotated[
    InitiativePayload
    | ValidationError
    | NotFoundError
    | PermissionDeniedError
    | ConflictError
    | DependencyCycleError,
    strawberry.union(
        "InitiativeResult", description="The initiative as stored, or why the write was refused."
    ),
]
DependencyResult = Annotated[
    DependencyPayload
    | ValidationError
    | NotFoundError
    | PermissionDeniedError
    | DependencyCycleError,
    strawberry.union(
        "DependencyResult", description="The dependency as stored, or why the write was refused."
    ),
]
RemoveDependencyResult = Annotated[
    RemoveDependencyPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "RemoveDependencyResult",
        description="The removed dependency, or why the removal was refused.",
    ),
]
DeliveryResult = Annotated[
    DeliveryPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "DeliveryResult", description="The delivery as stored, or why the write was refused."
    ),
]
RiskResult = Annotated[
    RiskPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("RiskResult", description="The risk as stored, or why the write was refused."),
]
StatusReportResult = Annotated[
    StatusReportPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "StatusReportResult",
        description="The new report revision, or why the submission was refused.",
    ),
]
ReportingPeriodResult = Annotated[
    ReportingPeriodPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "ReportingPeriodResult",
        description="The reporting period as stored, or why the write was refused.",
    ),
]


@strawberry.type(description="The decision as recorded.")
class CouncilDecisionPayload:
    decision: CouncilDecision = strawberry.field(description="The decision as recorded.")


CouncilDecisionResult = Annotated[
    CouncilDecisionPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union(
        "CouncilDecisionResult",
        description="The decision as recorded, or why the write was refused.",
    ),
]


@strawberry.type(description="Writes; each answers its payload or a typed error (nothing written).")
class Mutation(WebhookMutation, ScenarioMutation, BaselineMutation, AccessMutation):
    @strawberry.mutation(
        description="Propose an initiative (*innmelding*); it waits as PROPOSED.",
        graphql_type=InitiativeResult,
    )
    async def propose_initiative(
        self,
        info: Info,
        input: Annotated[
            ProposeInitiativeInput, strawberry.argument(description="The proposal (*innmelding*).")
        ],
    ) -> Result[InitiativePayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: initiative_writes.propose_initiative(
                connection, viewer=viewer, values=values
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Register an initiative admitted at once (portfolio office).",
        graphql_type=InitiativeResult,
    )
    async def create_initiative(
        self,
        info: Info,
        input: Annotated[
            CreateInitiativeInput, strawberry.argument(description="The initiative to register.")
        ],
    ) -> Result[InitiativePayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: initiative_writes.create_initiative(
                connection, viewer=viewer, values=values
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Admit a proposal into a segment (portfolio office).",
        graphql_type=InitiativeResult,
    )
    async def admit_initiative(
        self,
        info: Info,
        code: InitiativeCode,
        segment: Annotated[
            Segment, strawberry.argument(description="The segment (*segment*) to admit it into.")
        ],
        reason: Annotated[
            str | None, strawberry.argument(description="Why, in words the owner reads.")
        ] = None,
        expected_version: ExpectedVersion = None,
    ) -> Result[InitiativePayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: initiative_writes.admit_initiative(
                connection,
                viewer=viewer,
                code=code,
                segment=segment,
                reason=reason,
                expected_version=expected_version,
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Decline a proposal with a reason (portfolio office).",
        graphql_type=InitiativeResult,
    )
    async def decline_initiative(
        self,
        info: Info,
        code: InitiativeCode,
        reason: Reason,
        expected_version: ExpectedVersion = None,
    ) -> Result[InitiativePayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: initiative_writes.decline_initiative(
                connection,
                viewer=viewer,
                code=code,
                reason=reason,
                expected_version=expected_version,
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description=(
            "Change an initiative if it is still at `expectedVersion` (else ConflictError)."
        ),
        graphql_type=InitiativeResult,
    )
    async def update_initiative(
        self,
        info: Info,
        code: InitiativeCode,
        expected_version: Annotated[
            int,
            strawberry.argument(
                description="The `version` last read; when it has moved on: ConflictError."
            ),
        ],
        input: Annotated[
            UpdateInitiativeInput, strawberry.argument(description="The fields to change.")
        ],
    ) -> Result[InitiativePayload]:
        viewer, changes = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: initiative_writes.update_initiative(
                connection,
                viewer=viewer,
                code=code,
                expected_version=expected_version,
                changes=changes,
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Add a dependency; self, duplicates and cycles are refused.",
        graphql_type=DependencyResult,
    )
    async def add_dependency(
        self,
        info: Info,
        input: Annotated[
            AddDependencyInput, strawberry.argument(description="The dependency to add.")
        ],
    ) -> Result[DependencyPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: dependency_writes.add_dependency(
                connection, viewer=viewer, values=values
            ),
            lambda row: DependencyPayload(dependency=Dependency.from_row(row)),
        )

    @strawberry.mutation(description="Remove a dependency.", graphql_type=RemoveDependencyResult)
    async def remove_dependency(
        self,
        info: Info,
        input: Annotated[
            RemoveDependencyInput, strawberry.argument(description="The dependency to remove.")
        ],
    ) -> Result[RemoveDependencyPayload]:
        key = _dependency_key(input)
        if isinstance(key, ValidationError):
            return key
        dependant_code, supplier_code = key
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: dependency_writes.remove_dependency(
                connection,
                viewer=viewer,
                dependant_code=dependant_code,
                supplier_code=supplier_code,
            ),
            lambda removed: RemoveDependencyPayload(
                dependant_id=removed.dependant_id,
                supplier_code=removed.supplier_code,
                removed_dependency_id=to_global_id(
                    "Dependency", f"{removed.dependant_code}<-{removed.supplier_code}"
                ),
            ),
        )

    @strawberry.mutation(
        description="Create a delivery or replace the one with the same code.",
        graphql_type=DeliveryResult,
    )
    async def upsert_delivery(
        self,
        info: Info,
        input: Annotated[
            UpsertDeliveryInput,
            strawberry.argument(description="The delivery to create or replace."),
        ],
    ) -> Result[DeliveryPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: delivery_and_risk_writes.upsert_delivery(
                connection, viewer=viewer, values=values
            ),
            lambda row: DeliveryPayload(delivery=Delivery.from_row(row)),
        )

    @strawberry.mutation(
        description="Create a risk or replace the one with the same code.",
        graphql_type=RiskResult,
    )
    async def upsert_risk(
        self,
        info: Info,
        input: Annotated[
            UpsertRiskInput, strawberry.argument(description="The risk to create or replace.")
        ],
    ) -> Result[RiskPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: delivery_and_risk_writes.upsert_risk(
                connection, viewer=viewer, values=values
            ),
            lambda row: RiskPayload(risk=Risk.from_row(row)),
        )

    @strawberry.mutation(
        description="Submit a status report into an open period; the segment rules apply.",
        graphql_type=StatusReportResult,
    )
    async def submit_status_report(
        self,
        info: Info,
        input: Annotated[
            SubmitStatusReportInput,
            strawberry.argument(description="The status report (*statusrapport*)."),
        ],
    ) -> Result[StatusReportPayload]:
        viewer, values, today = info.context.viewer, values_of(input), info.context.today
        return await mutate(
            info,
            lambda connection: status_report_writes.submit_status_report(
                connection, viewer=viewer, today=today, values=values
            ),
            lambda submitted: StatusReportPayload(
                report=StatusReport.from_row(submitted.report),
                initiative=Initiative.from_row(submitted.initiative),
                previous_status=submitted.previous_status,
            ),
        )

    @strawberry.mutation(
        description="Open a reporting round (portfolio office).",
        graphql_type=ReportingPeriodResult,
    )
    async def open_reporting_period(
        self,
        info: Info,
        input: Annotated[
            OpenReportingPeriodInput,
            strawberry.argument(description="The reporting round (*rapporteringsrunde*) to open."),
        ],
    ) -> Result[ReportingPeriodPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: round_writes.open_reporting_period(
                connection, viewer=viewer, values=values
            ),
            _period_payload,
        )

    @strawberry.mutation(
        description="Close a reporting round: its reports become read-only (portfolio office).",
        graphql_type=ReportingPeriodResult,
    )
    async def close_reporting_period(
        self,
        info: Info,
        code: Annotated[
            str, strawberry.argument(description="Code of the reporting round to close.")
        ],
    ) -> Result[ReportingPeriodPayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: round_writes.close_reporting_period(
                connection, viewer=viewer, code=code
            ),
            _period_payload,
        )

    @strawberry.mutation(
        description="Record a decision of NUIT, NUFA or Nasjonalt e-helseråd on an initiative.",
        graphql_type=CouncilDecisionResult,
    )
    async def record_council_decision(
        self,
        info: Info,
        input: Annotated[
            RecordCouncilDecisionInput, strawberry.argument(description="The decision to record.")
        ],
    ) -> Result[CouncilDecisionPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: council_writes.record_council_decision(
                connection, viewer=viewer, values=values
            ),
            lambda row: CouncilDecisionPayload(decision=CouncilDecision.from_row(row)),
        )


def _initiative_payload(row: Row) -> InitiativePayload:
    return InitiativePayload(initiative=Initiative.from_row(row))


def _period_payload(row: Row) -> ReportingPeriodPayload:
    return ReportingPeriodPayload(period=ReportingPeriod.from_row(row))


def _dependency_key(
    input: Annotated[
        RemoveDependencyInput, strawberry.argument(description="The dependency to remove.")
    ],
) -> tuple[str, str] | ValidationError:
    if input.id is not None:
        try:
            type_name, key = from_global_id(input.id)
        except UserInputError:
            return invalid("id", message("input.bad_global_id", id=repr(input.id)).render())
        dependant, separator, supplier = key.partition("<-")
        if type_name != "Dependency" or not separator or not dependant or not supplier:
            return invalid("id", message("input.not_a_dependency_id", id=repr(input.id)).render())
        return dependant, supplier
    if not input.dependant or not input.supplier:
        return invalid("id", message("input.dependency_id_or_ends").render())
    return input.dependant, input.supplier
