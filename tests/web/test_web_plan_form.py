"""The plan form round-trips every section's defaults, numbers in lists included."""

from starlette.datastructures import FormData

from sarcostat.study import Plan
from sarcostat.web.jobs import plan_form, plan_from_form


def _submitted(plan):
    # What a browser posts for an untouched form: every field, lists as one item each.
    items = []
    for section in plan_form(plan):
        for f in section["fields"]:
            if f["kind"] == "bool":
                if f["value"]:
                    items.append((f["name"], "on"))
            elif f["kind"] in ("list", "checks"):
                items.append((f"{f['name']}.shown", "1"))
                items += [(f["name"], str(v)) for v in f["value"]]
            else:
                items.append((f["name"], str(f["value"])))
    return FormData(items)


def test_untouched_form_gives_back_the_same_plan():
    plan = Plan()
    again = plan_from_form(plan, _submitted(plan))
    assert again.to_dict() == plan.to_dict()
    assert again.to_dict()["frailty"]["fi_cutoffs"] == [0.08, 0.25]


def test_edited_number_list_is_parsed_as_numbers():
    plan = Plan()
    form = _submitted(plan)
    items = [(k, v) for k, v in form.multi_items() if k != "plan.frailty.fi_cutoffs"]
    items += [("plan.frailty.fi_cutoffs", "0.1"), ("plan.frailty.fi_cutoffs", "0.3")]
    again = plan_from_form(plan, FormData(items))
    assert again.to_dict()["frailty"]["fi_cutoffs"] == [0.1, 0.3]
