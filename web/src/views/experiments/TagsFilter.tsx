import { useId, useState } from "react";

import type { FacetCount } from "./facets";
import { facetLabel } from "./facets";

interface Props {
  tags: string[];
  suggestions: readonly FacetCount[];
  onChange: (tags: string[]) => void;
}

/** The tags filter (experiments carrying every tag listed): a chip per tag, a field to add
 * one, typed freely or picked from the experiments' tags with their counts. */
export function TagsFilter({ tags, suggestions, onChange }: Props) {
  const id = useId();
  const listId = `${id}-tags`;
  const [draft, setDraft] = useState("");
  const add = (text: string) => {
    const added = text
      .split(",")
      .map((tag) => tag.trim())
      .filter((tag) => tag && !tags.includes(tag));
    setDraft("");
    if (added.length) onChange([...tags, ...new Set(added)]);
  };
  return (
    <div className="field tags-filter">
      <label htmlFor={id}>Tags</label>
      <input
        id={id}
        list={listId}
        value={draft}
        autoComplete="off"
        placeholder={tags.length ? "add another" : "any"}
        onChange={(event) => {
          const value = event.target.value;
          const native = event.nativeEvent as InputEvent;
          // a pick from the suggestions (no typing) adds the tag at once
          const picked = native.inputType === "insertReplacementText";
          if (picked && suggestions.some((s) => s.value === value)) add(value);
          else if (value.endsWith(",")) add(value);
          else setDraft(value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && draft.trim()) {
            event.preventDefault();
            add(draft);
          } else if (event.key === "Backspace" && !draft && tags.length) {
            onChange(tags.slice(0, -1));
          }
        }}
        onBlur={() => draft.trim() && add(draft)}
      />
      <datalist id={listId}>
        {suggestions
          .filter((s) => !tags.includes(s.value))
          .map((s) => (
            <option key={s.value} value={s.value} label={facetLabel(s)} />
          ))}
      </datalist>
      {tags.length ? (
        <ul className="chips" aria-label="Tags filtered by">
          {tags.map((tag) => (
            <li key={tag} className="tag">
              {tag}
              <button
                type="button"
                aria-label={`Remove tag ${tag}`}
                onClick={() => onChange(tags.filter((t) => t !== tag))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
