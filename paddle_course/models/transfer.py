"""Starting a model from another model's checkpoint when the two differ (a new head, say)."""


def load_partial(model, state_dict):
    """Load the entries of ``state_dict`` whose name and shape match ``model``'s; return
    ``(loaded, skipped)`` key lists, ``skipped`` with the reason, so nothing is dropped silently."""
    current = model.state_dict()
    loaded, skipped = {}, []
    for key, value in state_dict.items():
        if key not in current:
            skipped.append(f"{key} (not in this model)")
        elif list(value.shape) != list(current[key].shape):
            skipped.append(f"{key} (shape {list(value.shape)} here {list(current[key].shape)})")
        else:
            loaded[key] = value
    # the model's own values for what it keeps: set_state_dict warns about every absent key,
    # and the skipped ones are reported to the caller instead
    model.set_state_dict({**current, **loaded})
    return sorted(loaded), skipped
