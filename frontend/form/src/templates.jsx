// RJSF templates: buttons with words instead of its icon-font glyphs (there is
// no icon font here) — readable, and named for screen readers, in the page's
// language — and list items laid out for a narrow screen.
import { TranslatableString, getTemplate, getUiOptions } from "@rjsf/utils";

function WordButton({ text, className, uiSchema, registry, iconType, icon, ...rest }) {
  return (
    <button type="button" className={`button ${className || ""}`} {...rest}>
      {text}
    </button>
  );
}

const word = (key) =>
  function Button(props) {
    return <WordButton text={props.registry.translateString(key)} {...props} />;
  };

const ButtonTemplates = {
  AddButton: word(TranslatableString.AddItemButton),
  CopyButton: word(TranslatableString.CopyButton),
  MoveDownButton: word(TranslatableString.MoveDownButton),
  MoveUpButton: word(TranslatableString.MoveUpButton),
  RemoveButton: word(TranslatableString.RemoveButton),
  ClearButton: word(TranslatableString.ClearButton),
};

/** A list item: its fields, then its buttons (no side column on a phone). */
function ArrayFieldItemTemplate(props) {
  const { children, className, buttonsProps, hasToolbar, registry, uiSchema } = props;
  const Buttons = getTemplate("ArrayFieldItemButtonsTemplate", registry, getUiOptions(uiSchema));
  return (
    <div className={`${className || ""} array-item`}>
      {children}
      {hasToolbar ? (
        <div className="array-item-toolbox">
          <Buttons {...buttonsProps} />
        </div>
      ) : null}
    </div>
  );
}

export const templates = { ButtonTemplates, ArrayFieldItemTemplate };
