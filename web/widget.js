// <edusearch-box> custom element
